/* Mirrors ESP-IDF v5.3 components/esp_hw_support/include/esp_mac.h: the base MAC. */
#pragma once
#include <stdint.h>
#include "esp_err.h"

esp_err_t esp_base_mac_addr_get(uint8_t *mac);
esp_err_t esp_efuse_mac_get_default(uint8_t *mac);
