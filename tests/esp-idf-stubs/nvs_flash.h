/* Mirrors ESP-IDF v5.3 components/nvs_flash/include/nvs_flash.h: init and erase of the default partition. */
#pragma once
#include "nvs.h"

esp_err_t nvs_flash_init(void);
esp_err_t nvs_flash_erase(void);
