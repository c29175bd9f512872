/*
 * esp_release_ota_check: the order of docs/manifest.md ("Checking a manifest on the device"). The
 * core decides every rule; this file gathers what the device is, fetches, and acts on the verdict.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "esp_app_desc.h"
#include "esp_log.h"
#include "hal/efuse_hal.h"
#include "esp_release_ota_private.h"

static const char *TAG = ESP_RELEASE_OTA_TAG;

esp_release_ota_config_t esp_release_ota_config_default(void)
{
    esp_release_ota_config_t config = ESP_RELEASE_OTA_CONFIG_DEFAULT();
    return config;
}

static esp_err_t done(esp_release_ota_result_t *result, esp_release_ota_outcome_t outcome, esp_err_t err)
{
    result->outcome = outcome;
    result->esp_err = err;
    return err;
}

/* A refused pointer: the core's code and reason, and the URL it came from (query redacted). */
static esp_err_t refused(const esp_release_ota_config_t *config, esp_release_ota_result_t *result)
{
    char shown[160];
    esp_release_ota_redact(config->pointer_url, shown, sizeof shown);
    ESP_LOGE(TAG, "%s refused: %s: %s", shown, esp_release_err_name(result->check.err), result->check.reason);
    switch (result->check.err) {
    case ESP_RELEASE_ERR_ARG:
    case ESP_RELEASE_ERR_KEY:
        return done(result, ESP_RELEASE_OTA_FAILED, ESP_ERR_INVALID_ARG); /* the app's config, not the pointer */
    case ESP_RELEASE_ERR_NO_MEMORY:
        return done(result, ESP_RELEASE_OTA_FAILED, ESP_ERR_NO_MEM);
    default:
        return done(result, ESP_RELEASE_OTA_FAILED, ESP_ERR_INVALID_RESPONSE);
    }
}

/* Fetches and verifies the pointer (steps 1-9 and the rollout cohort); result->check has the verdict. */
static esp_err_t fetch_and_verify(const esp_release_ota_config_t *config, esp_release_ota_result_t *result)
{
    char device_id[ESP_RELEASE_OTA_DEVICE_ID_MAX + 1];
    uint64_t last_sequence = 0;
    esp_err_t err = esp_release_ota_device_id(config, device_id);
    if (err == ESP_OK) {
        err = esp_release_ota_load_sequence(config->channel, &last_sequence);
    }
    if (err != ESP_OK) {
        return err;
    }
    char *jws = malloc(ESP_RELEASE_MANIFEST_MAX_JWS + 1); /* +1: the byte that shows a body is too long */
    if (jws == NULL) {
        return ESP_ERR_NO_MEM;
    }
    size_t len = 0;
    err = esp_release_ota_fetch_pointer(config, jws, ESP_RELEASE_MANIFEST_MAX_JWS, &len, &result->http_status);
    if (err == ESP_OK) {
        const esp_app_desc_t *app = esp_app_get_description();
        const esp_release_config_t device = {
            .keys = config->keys,
            .key_count = config->key_count,
            .channel = config->channel,
            .project = app->project_name,
            .chip = CONFIG_IDF_TARGET,
            .chip_id = CONFIG_IDF_FIRMWARE_CHIP_ID,
            .chip_revision = (int32_t)efuse_hal_chip_revision(),
            .current_version = app->version,
            .secure_version_floor = esp_release_ota_secure_version_floor(),
            .last_sequence = last_sequence,
            .refuse_older = config->refuse_older,
            .device_id = device_id,
        };
        esp_release_manifest_verify(&device, jws, len, &result->check);
    }
    free(jws);
    return err;
}

esp_err_t esp_release_ota_check(const esp_release_ota_config_t *config, esp_release_ota_result_t *result)
{
    if (result == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    memset(result, 0, sizeof *result);
    result->check.err = ESP_RELEASE_ERR_ARG;
    if (config == NULL || config->pointer_url == NULL || config->ca_pem == NULL || config->keys == NULL
        || config->key_count == 0 || config->channel == NULL) {
        ESP_LOGE(TAG, "config: pointer_url, ca_pem, keys and channel are required");
        return done(result, ESP_RELEASE_OTA_FAILED, ESP_ERR_INVALID_ARG);
    }
    esp_err_t err = fetch_and_verify(config, result);
    if (err != ESP_OK) {
        return done(result, ESP_RELEASE_OTA_FAILED, err);
    }
    const esp_release_manifest_t *manifest = &result->check.manifest;
    switch (result->check.err) {
    case ESP_RELEASE_OK:
        break;
    case ESP_RELEASE_UP_TO_DATE:
        /* Acted on (nothing to do), so the sequence is taken: an older pointer replayed later is refused. */
        ESP_LOGI(TAG, "%s %s is the release of channel %s (sequence %" PRIu64 ")", manifest->project, manifest->version,
                 config->channel, manifest->sequence);
        esp_release_ota_store_sequence(config->channel, manifest->sequence);
        return done(result, ESP_RELEASE_OTA_UP_TO_DATE, ESP_OK);
    case ESP_RELEASE_NOT_IN_ROLLOUT:
        /* Not stored: a raised percentage arrives as a new pointer of the same release, and must be taken. */
        ESP_LOGI(TAG, "%s %s is rolling out to %u%% of devices, not yet to this one", manifest->project,
                 manifest->version, (unsigned)manifest->rollout_percent);
        return done(result, ESP_RELEASE_OTA_NOT_IN_ROLLOUT, ESP_OK);
    default:
        return refused(config, result);
    }

    char *url = NULL;
    err = esp_release_ota_firmware_url(config->pointer_url, manifest->path, &url);
    if (err == ESP_OK) {
        ESP_LOGI(TAG, "updating %s -> %s (sequence %" PRIu64 ", %" PRIu64 " bytes)", esp_app_get_description()->version,
                 manifest->version, manifest->sequence, manifest->size);
        err = esp_release_ota_install(config, url, manifest, &result->check);
        free(url);
    }
    if (err != ESP_OK) {
        /* Nothing stored: the same pointer is tried again at the next check. */
        return done(result, ESP_RELEASE_OTA_FAILED, err);
    }
    /* If this fails the new firmware still boots, finds itself up to date and stores it then. */
    esp_release_ota_store_sequence(config->channel, manifest->sequence);
    result->reboot_needed = true;
    ESP_LOGI(TAG, "%s %s installed; it runs after a reboot", manifest->project, manifest->version);
    return done(result, ESP_RELEASE_OTA_UPDATED, ESP_OK);
}
