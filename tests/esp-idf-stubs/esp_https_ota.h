/* Mirrors ESP-IDF v5.3 components/esp_https_ota/include/esp_https_ota.h: the configuration (for an
 * sdkconfig without CONFIG_ESP_HTTPS_OTA_DECRYPT_CB) and the advanced API (begin, perform, the checks
 * of what arrived, finish and abort). esp_https_ota_get_status_code is v5.4's, so it is left out. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "esp_http_client.h"
#include "esp_app_desc.h"
#include "sdkconfig.h"

typedef void *esp_https_ota_handle_t;
typedef esp_err_t(*http_client_init_cb_t)(esp_http_client_handle_t);

typedef struct {
    const esp_http_client_config_t *http_config;   /*!< ESP HTTP client configuration */
    http_client_init_cb_t http_client_init_cb;     /*!< Callback after ESP HTTP client is initialised */
    bool bulk_flash_erase;                         /*!< Erase entire flash partition during initialization. By default flash partition is erased during write operation and in chunk of 4K sector size */
    bool partial_http_download;                    /*!< Enable Firmware image to be downloaded over multiple HTTP requests */
    int max_http_request_size;                     /*!< Maximum request size for partial HTTP download */
    uint32_t buffer_caps;                          /*!< The memory capability to use when allocating the buffer for OTA update. Default capability is MALLOC_CAP_DEFAULT */
} esp_https_ota_config_t;

#define ESP_ERR_HTTPS_OTA_BASE            (0x9000)
#define ESP_ERR_HTTPS_OTA_IN_PROGRESS     (ESP_ERR_HTTPS_OTA_BASE + 1)  /* OTA operation in progress */

esp_err_t esp_https_ota_begin(const esp_https_ota_config_t *ota_config, esp_https_ota_handle_t *handle);
esp_err_t esp_https_ota_perform(esp_https_ota_handle_t https_ota_handle);
bool esp_https_ota_is_complete_data_received(esp_https_ota_handle_t https_ota_handle);
esp_err_t esp_https_ota_finish(esp_https_ota_handle_t https_ota_handle);
esp_err_t esp_https_ota_abort(esp_https_ota_handle_t https_ota_handle);
int esp_https_ota_get_image_len_read(esp_https_ota_handle_t https_ota_handle);
