/* Mirrors ESP-IDF v5.3 components/esp_event/include/esp_event.h: what the sample's app_main calls. */
#pragma once
#include "esp_err.h"

esp_err_t esp_event_loop_create_default(void);
