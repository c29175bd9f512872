/* Stands in for the sdkconfig.h that ESP-IDF generates into build/config: an ESP32-S3 with the
 * esp_release_ota component's options (templates/esp_release_ota/Kconfig) at their defaults. Not
 * copied from ESP-IDF; the values only have to have the types the real header gives them. */
#pragma once

#define CONFIG_IDF_TARGET "esp32s3"
#define CONFIG_IDF_TARGET_ESP32S3 1
#define CONFIG_IDF_FIRMWARE_CHIP_ID 0x0009
#define CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE 1
/* tests/esp-release-ota-glue/compile.sh builds the glue twice: with these defaults, and with
 * ESP_RELEASE_STUB_OTHER_CHOICES (the other side of every #ifdef the glue has). */
#ifndef ESP_RELEASE_STUB_OTHER_CHOICES
#define CONFIG_BOOTLOADER_APP_ANTI_ROLLBACK 1
#define CONFIG_ESP_RELEASE_OTA_DEVICE_ID_BASE_MAC 1
#else
#define CONFIG_ESP_RELEASE_OTA_DEVICE_ID_APP 1
#define CONFIG_ESP_RELEASE_OTA_REFUSE_OLDER 1
#endif
#define CONFIG_LOG_MAXIMUM_LEVEL 3

#define CONFIG_ESP_RELEASE_OTA_POINTER_URL "https://ota.example.com/firmware/channels/stable.jws"
#define CONFIG_ESP_RELEASE_OTA_CHANNEL "stable"
#define CONFIG_ESP_RELEASE_OTA_CHECK_INTERVAL_S 3600
#define CONFIG_ESP_RELEASE_OTA_HTTP_TIMEOUT_MS 10000
#define CONFIG_ESP_RELEASE_OTA_TASK_STACK_SIZE 8192
