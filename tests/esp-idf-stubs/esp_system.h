/* Mirrors ESP-IDF v5.3 components/esp_system/include/esp_system.h: esp_restart only. */
#pragma once
#include "esp_err.h"

void esp_restart(void) __attribute__((__noreturn__));
