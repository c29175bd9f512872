/* Mirrors ESP-IDF v5.3 components/esp_netif/include/esp_netif.h: what the sample's app_main calls. */
#pragma once
#include "esp_err.h"

esp_err_t esp_netif_init(void);
