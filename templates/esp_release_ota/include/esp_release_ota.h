/*
 * esp_release_ota: fetches esp-release's signed channel pointer, checks it (core/: docs/manifest.md,
 * "Checking a manifest on the device") and installs the firmware it names with esp_https_ota.
 *
 *   esp_release_ota_config_t config = ESP_RELEASE_OTA_CONFIG_DEFAULT();   // URL, channel, ... from Kconfig
 *   config.ca_pem = ca_cert_pem;                                          // EMBED_TXTFILES
 *   config.keys = keys; config.key_count = 1;                             // key.pub.pem, kid optional
 *   esp_release_ota_confirm_running_app(self_test);                       // once, early in app_main
 *   esp_release_ota_start_task(&config);                                  // or esp_release_ota_check() yourself
 */
#ifndef ESP_RELEASE_OTA_H
#define ESP_RELEASE_OTA_H

#include <stdbool.h>
#include <stddef.h>
#include "esp_err.h"
#include "sdkconfig.h"
#include "esp_release_manifest.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a check ended with. */
typedef enum {
    ESP_RELEASE_OTA_FAILED = 0,         /**< nothing changed; esp_err and check.err say why */
    ESP_RELEASE_OTA_UP_TO_DATE,         /**< the channel's release is running; its sequence was stored */
    ESP_RELEASE_OTA_NOT_IN_ROLLOUT,     /**< a staged rollout that leaves this device out for now; nothing stored */
    ESP_RELEASE_OTA_UPDATED,            /**< the new firmware is in the next OTA slot and set to boot */
} esp_release_ota_outcome_t;

typedef struct {
    const char *pointer_url;            /**< https://.../channels/<channel>.jws, any query (an Azure SAS) included */
    const char *ca_pem;                 /**< NUL-terminated PEM of the CA both connections trust */
    const esp_release_trusted_key_t *keys; /**< the public keys pointers may be signed with (1-of-N) */
    size_t key_count;
    const char *channel;                /**< must equal the pointer's signed channel */
    const char *device_id;              /**< staged-rollout id; NULL: the base MAC as 12 lowercase hex digits
                                             (with CONFIG_ESP_RELEASE_OTA_DEVICE_ID_APP it must be given) */
    bool refuse_older;                  /**< also refuse a version that is not semver-newer (core: refuse_older) */
    int http_timeout_ms;
    bool (*self_test)(void);            /**< run by esp_release_ota_start_task before its first check; NULL: none */
} esp_release_ota_config_t;

typedef struct {
    esp_release_ota_outcome_t outcome;
    bool reboot_needed;                 /**< UPDATED: esp_restart() boots the new firmware */
    int http_status;                    /**< of the pointer's GET; 0 when no response arrived */
    esp_err_t esp_err;                  /**< what esp_release_ota_check returned */
    esp_release_result_t check;         /**< the core's verdict, reason and the manifest as signed */
} esp_release_ota_result_t;

#ifdef CONFIG_ESP_RELEASE_OTA_REFUSE_OLDER
#define ESP_RELEASE_OTA_REFUSE_OLDER_DEFAULT true
#else
#define ESP_RELEASE_OTA_REFUSE_OLDER_DEFAULT false
#endif

/** The Kconfig values ("esp-release OTA" in menuconfig); ca_pem and keys are the app's to set. */
#define ESP_RELEASE_OTA_CONFIG_DEFAULT() {                          \
        .pointer_url = CONFIG_ESP_RELEASE_OTA_POINTER_URL,          \
        .channel = CONFIG_ESP_RELEASE_OTA_CHANNEL,                  \
        .refuse_older = ESP_RELEASE_OTA_REFUSE_OLDER_DEFAULT,       \
        .http_timeout_ms = CONFIG_ESP_RELEASE_OTA_HTTP_TIMEOUT_MS,  \
    }

/** ESP_RELEASE_OTA_CONFIG_DEFAULT() as a value. */
esp_release_ota_config_t esp_release_ota_config_default(void);

/**
 * One check: GET the pointer, verify it against this device (chip, revision, project, eFuse secure
 * version, the last sequence stored for the channel, the rollout cohort), and when it names other
 * firmware, install it into the next OTA slot, confirm size and SHA-256 against the manifest before
 * the slot is made bootable, and store the sequence. Does not reboot: see result->reboot_needed.
 *
 * @return ESP_OK for UP_TO_DATE, NOT_IN_ROLLOUT and UPDATED; ESP_ERR_INVALID_RESPONSE when the pointer
 *         or the download was refused (result->check says why); ESP_ERR_INVALID_ARG for a config
 *         error; else the esp_http_client / esp_https_ota / NVS error.
 */
esp_err_t esp_release_ota_check(const esp_release_ota_config_t *config, esp_release_ota_result_t *result);

/**
 * Starts a task that runs esp_release_ota_confirm_running_app(config->self_test), then
 * esp_release_ota_check every CONFIG_ESP_RELEASE_OTA_CHECK_INTERVAL_S and esp_restart() after an
 * update. The config is copied; the strings and keys it points to must outlive the task.
 */
esp_err_t esp_release_ota_start_task(const esp_release_ota_config_t *config);

/**
 * On the first boot of a new firmware (running partition ESP_OTA_IMG_PENDING_VERIFY, with
 * CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE): runs self_test (NULL passes); passed, the firmware is
 * marked valid; failed, it is marked invalid and the device reboots into the previous one.
 * Otherwise does nothing. Call it once the app can tell it works (e.g. after it is on the network).
 */
esp_err_t esp_release_ota_confirm_running_app(bool (*self_test)(void));

#ifdef __cplusplus
}
#endif

#endif
