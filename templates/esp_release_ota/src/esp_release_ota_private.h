/* Shared by the glue's three files; not part of the component's API. */
#ifndef ESP_RELEASE_OTA_PRIVATE_H
#define ESP_RELEASE_OTA_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include "esp_release_ota.h"

#define ESP_RELEASE_OTA_TAG "esp_release_ota"

/** A staged-rollout id is 1..64 bytes (the rollout contract); this holds one and its NUL. */
#define ESP_RELEASE_OTA_DEVICE_ID_MAX 64

/* esp_release_ota_net.c */
/** `url` up to its query, then "?<redacted>" if it had one: a SAS is a credential, and serial logs
 *  get pasted into issues. */
void esp_release_ota_redact(const char *url, char *out, size_t cap);
/** GET the pointer into buf (cap bytes at most; a longer body is refused unread). */
esp_err_t esp_release_ota_fetch_pointer(const esp_release_ota_config_t *config, char *buf, size_t cap, size_t *len,
                                        int *http_status);
/** Resolves firmware.path against the pointer's URL and appends the pointer's query, if any. */
esp_err_t esp_release_ota_firmware_url(const char *pointer_url, const char *path, char **out);
/** esp_https_ota into the next slot, checked against the manifest before it is made bootable. */
esp_err_t esp_release_ota_install(const esp_release_ota_config_t *config, const char *url,
                                  const esp_release_manifest_t *manifest, esp_release_result_t *verdict);

/* esp_release_ota_device.c */
esp_err_t esp_release_ota_device_id(const esp_release_ota_config_t *config, char out[ESP_RELEASE_OTA_DEVICE_ID_MAX + 1]);
uint32_t esp_release_ota_secure_version_floor(void);
esp_err_t esp_release_ota_load_sequence(const char *channel, uint64_t *sequence);
esp_err_t esp_release_ota_store_sequence(const char *channel, uint64_t sequence);

#endif
