/* Mirrors ESP-IDF v5.3 examples/common_components/protocol_examples_common/include/protocol_examples_common.h:
 * example_connect only (Wi-Fi or Ethernet as menuconfig says). */
#pragma once
#include "esp_err.h"

esp_err_t example_connect(void);
