/* Mirrors ESP-IDF v5.3 components/efuse/include/esp_efuse.h: the anti-rollback secure version. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "esp_err.h"

uint32_t esp_efuse_read_secure_version(void);
bool esp_efuse_check_secure_version(uint32_t secure_version);
