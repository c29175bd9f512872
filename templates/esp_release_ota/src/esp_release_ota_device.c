/*
 * What the check needs to know about this device, and what it remembers: the device id for staged
 * rollouts, the eFuse anti-rollback floor, the last sequence accepted per channel (NVS), confirming a
 * new firmware after its first boot, and the polling task.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "esp_efuse.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_ota_ops.h"
#include "esp_system.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "mbedtls/sha256.h"
#include "mbedtls/version.h"
#include "nvs.h"
#include "esp_release_ota_private.h"

static const char *TAG = ESP_RELEASE_OTA_TAG;

/* ESP-IDF 5 ships Mbed TLS 3, where mbedtls_sha256 returns int; the host compile check has 2.28. */
#if MBEDTLS_VERSION_NUMBER < 0x03000000
#define mbedtls_sha256 mbedtls_sha256_ret
#endif

/* One namespace for the component, so an app's own keys never meet ours. */
#define NVS_NAMESPACE "esp_release"

esp_err_t esp_release_ota_device_id(const esp_release_ota_config_t *config, char out[ESP_RELEASE_OTA_DEVICE_ID_MAX + 1])
{
    if (config->device_id != NULL) {
        size_t len = strlen(config->device_id);
        if (len == 0 || len > ESP_RELEASE_OTA_DEVICE_ID_MAX) {
            ESP_LOGE(TAG, "device_id must be 1 to %d bytes, not %u", ESP_RELEASE_OTA_DEVICE_ID_MAX, (unsigned)len);
            return ESP_ERR_INVALID_ARG;
        }
        memcpy(out, config->device_id, len + 1);
        return ESP_OK;
    }
#ifdef CONFIG_ESP_RELEASE_OTA_DEVICE_ID_APP
    /* Falling back to the MAC would put the device in another cohort than the app intends. */
    ESP_LOGE(TAG, "CONFIG_ESP_RELEASE_OTA_DEVICE_ID_APP is set but config.device_id is NULL");
    return ESP_ERR_INVALID_ARG;
#else
    /* The factory MAC from eFuse: it never changes, so neither does the cohort (an app may set another
     * base MAC at run time). 8 bytes: chips with IEEE 802.15.4 write an EUI-64 here. */
    uint8_t mac[8] = {0};
    esp_err_t err = esp_efuse_mac_get_default(mac);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "reading the base MAC for the device id: %s", esp_err_to_name(err));
        return err;
    }
    snprintf(out, ESP_RELEASE_OTA_DEVICE_ID_MAX + 1, "%02x%02x%02x%02x%02x%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
    return ESP_OK;
#endif
}

uint32_t esp_release_ota_secure_version_floor(void)
{
#ifdef CONFIG_BOOTLOADER_APP_ANTI_ROLLBACK
    /* The bootloader refuses an app below this; refusing it here saves the download. */
    return esp_efuse_read_secure_version();
#else
    return 0;
#endif
}

/*
 * NVS keys are at most 15 characters and channel names are not, so the key is "sq" and the hex of
 * the first 6 bytes of SHA-256(channel): 14 characters, one key per channel, no collision in practice.
 */
static esp_err_t sequence_key(const char *channel, char key[NVS_KEY_NAME_MAX_SIZE])
{
    unsigned char digest[32];
    if (mbedtls_sha256((const unsigned char *)channel, strlen(channel), digest, 0) != 0) {
        return ESP_FAIL;
    }
    snprintf(key, NVS_KEY_NAME_MAX_SIZE, "sq%02x%02x%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3],
             digest[4], digest[5]);
    return ESP_OK;
}

esp_err_t esp_release_ota_load_sequence(const char *channel, uint64_t *sequence)
{
    char key[NVS_KEY_NAME_MAX_SIZE];
    nvs_handle_t nvs;
    *sequence = 0;
    esp_err_t err = sequence_key(channel, key);
    if (err == ESP_OK) {
        err = nvs_open(NVS_NAMESPACE, NVS_READWRITE, &nvs);
    }
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "NVS namespace \"%s\": %s (call nvs_flash_init() first)", NVS_NAMESPACE, esp_err_to_name(err));
        return err;
    }
    err = nvs_get_u64(nvs, key, sequence);
    nvs_close(nvs);
    if (err == ESP_ERR_NVS_NOT_FOUND) {
        return ESP_OK; /* nothing accepted on this channel yet */
    }
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "NVS %s/%s: %s", NVS_NAMESPACE, key, esp_err_to_name(err));
    }
    return err;
}

esp_err_t esp_release_ota_store_sequence(const char *channel, uint64_t sequence)
{
    char key[NVS_KEY_NAME_MAX_SIZE];
    nvs_handle_t nvs;
    esp_err_t err = sequence_key(channel, key);
    if (err == ESP_OK) {
        err = nvs_open(NVS_NAMESPACE, NVS_READWRITE, &nvs);
    }
    if (err == ESP_OK) {
        err = nvs_set_u64(nvs, key, sequence);
        if (err == ESP_OK) {
            err = nvs_commit(nvs);
        }
        nvs_close(nvs);
    }
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "storing sequence %" PRIu64 " for channel %s in NVS: %s", sequence, channel, esp_err_to_name(err));
    }
    return err;
}

esp_err_t esp_release_ota_confirm_running_app(bool (*self_test)(void))
{
    const esp_partition_t *running = esp_ota_get_running_partition();
    esp_ota_img_states_t state;
    esp_err_t err = esp_ota_get_state_partition(running, &state);
    if (err == ESP_ERR_NOT_SUPPORTED || err == ESP_ERR_NOT_FOUND) {
        return ESP_OK; /* the factory app, or no otadata: nothing is waiting to be confirmed */
    }
    if (err != ESP_OK || state != ESP_OTA_IMG_PENDING_VERIFY) {
        return err;
    }
    /* The bootloader marks this firmware ABORTED and boots the previous one if it resets before a
     * verdict (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE); and esp_https_ota refuses to start while the
     * running app is still pending, so the verdict must come before the first check. */
    if (self_test == NULL || self_test()) {
        ESP_LOGI(TAG, "first boot of this firmware: self-test passed, keeping it");
        return esp_ota_mark_app_valid_cancel_rollback();
    }
    ESP_LOGE(TAG, "first boot of this firmware: self-test failed, rolling back to the previous one");
    return esp_ota_mark_app_invalid_rollback_and_reboot(); /* returns only when no other app can boot */
}

/* The task's own copy: the caller's config may be on a stack that is gone by the time it runs. */
static esp_release_ota_config_t s_task_config;

static void check_task(void *arg)
{
    const esp_release_ota_config_t *config = arg;
    esp_release_ota_confirm_running_app(config->self_test);
    for (;;) {
        esp_release_ota_result_t result;
        esp_release_ota_check(config, &result);
        if (result.reboot_needed) {
            ESP_LOGI(TAG, "rebooting into %s", result.check.manifest.version);
            esp_restart();
        }
        vTaskDelay(pdMS_TO_TICKS(CONFIG_ESP_RELEASE_OTA_CHECK_INTERVAL_S * 1000U));
    }
}

esp_err_t esp_release_ota_start_task(const esp_release_ota_config_t *config)
{
    static bool started;
    if (config == NULL || started) {
        return config == NULL ? ESP_ERR_INVALID_ARG : ESP_ERR_INVALID_STATE;
    }
    s_task_config = *config;
    /* The TLS handshake and the ECDSA check run on this task's stack (CONFIG_ESP_RELEASE_OTA_TASK_STACK_SIZE). */
    if (xTaskCreate(check_task, "esp_release_ota", CONFIG_ESP_RELEASE_OTA_TASK_STACK_SIZE, &s_task_config,
                    tskIDLE_PRIORITY + 5, NULL) != pdPASS) {
        return ESP_ERR_NO_MEM;
    }
    started = true;
    return ESP_OK;
}
