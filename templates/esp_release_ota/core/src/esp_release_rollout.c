/* Staged rollout (docs/manifest.md, "Staged rollout"): the pointer's `rollout` member and the cohort
 * a device is in. The same function is in esp-release's C# (RolloutCohort); the host tests compare
 * the two over 100,000 ids. */
#include <string.h>

#include "cJSON.h"
#include "esp_release_internal.h"

unsigned esp_release_rollout_bucket(const char *salt, const char *device_id)
{
    mbedtls_sha256_context sha;
    uint8_t h[32];
    mbedtls_sha256_init(&sha);
    /* SHA-256 cannot fail on these inputs with a software backend; a hardware one that did would leave
     * h as zeros (bucket 0), so the failure is made explicit instead: bucket 99, the last to be reached. */
    int rc = esp_release_sha256_starts(&sha);
    rc = rc != 0 ? rc : esp_release_sha256_update(&sha, (const unsigned char *)salt, strlen(salt));
    rc = rc != 0 ? rc : esp_release_sha256_update(&sha, (const unsigned char *)device_id, strlen(device_id));
    rc = rc != 0 ? rc : esp_release_sha256_finish(&sha, h);
    mbedtls_sha256_free(&sha);
    if (rc != 0) {
        return 99;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | h[i];
    }
    return (unsigned)(v % 100);
}

bool esp_release_rollout_contains(const char *salt, const char *device_id, unsigned percent)
{
    return esp_release_rollout_bucket(salt, device_id) < percent;
}

esp_release_err_t esp_release_read_rollout(esp_release_result_t *r, const cJSON *root, esp_release_manifest_t *m)
{
    const cJSON *rollout = cJSON_GetObjectItemCaseSensitive(root, "rollout");
    m->has_rollout = false;
    if (rollout == NULL) {
        return ESP_RELEASE_OK;
    }
    if (!cJSON_IsObject(rollout)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "rollout is not an object");
    }
    const cJSON *percent = cJSON_GetObjectItemCaseSensitive(rollout, "percent");
    const cJSON *salt = cJSON_GetObjectItemCaseSensitive(rollout, "salt");
    for (const cJSON *a = rollout->child; a != NULL; a = a->next) {
        for (const cJSON *b = a->next; b != NULL; b = b->next) {
            if (strcmp(a->string, b->string) == 0) {
                return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "rollout has a member twice");
            }
        }
    }
    if (!cJSON_IsNumber(percent) || !(percent->valuedouble >= 0 && percent->valuedouble <= 100)
        || (double)(int)percent->valuedouble != percent->valuedouble) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "rollout.percent is not an integer from 0 to 100");
    }
    uint8_t raw[16];
    size_t raw_len;
    if (!cJSON_IsString(salt) || strlen(salt->valuestring) != ESP_RELEASE_ROLLOUT_SALT_LEN
        || esp_release_b64url_decode(salt->valuestring, ESP_RELEASE_ROLLOUT_SALT_LEN, raw, sizeof raw, &raw_len) != 0
        || raw_len != sizeof raw) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "rollout.salt is not 22 base64url characters");
    }
    m->has_rollout = true;
    m->rollout_percent = (uint8_t)percent->valuedouble;
    memcpy(m->rollout_salt, salt->valuestring, ESP_RELEASE_ROLLOUT_SALT_LEN + 1);
    return ESP_RELEASE_OK;
}

esp_release_err_t esp_release_check_rollout(const esp_release_config_t *c, const esp_release_manifest_t *m,
                                            esp_release_result_t *r)
{
    if (!m->has_rollout) {
        return ESP_RELEASE_OK;
    }
    size_t id_len = c->device_id == NULL ? 0 : strlen(c->device_id);
    if (id_len == 0 || id_len > ESP_RELEASE_DEVICE_ID_MAX) {
        return esp_release_fail(r, ESP_RELEASE_ERR_ARG, "a staged rollout needs config.device_id (1 to %d bytes)",
                                ESP_RELEASE_DEVICE_ID_MAX);
    }
    unsigned bucket = esp_release_rollout_bucket(m->rollout_salt, c->device_id);
    if (m->rollout_percent == 0) {
        return esp_release_fail(r, ESP_RELEASE_NOT_IN_ROLLOUT, "rollout is halted (0%%)");
    }
    if (bucket >= m->rollout_percent) {
        return esp_release_fail(r, ESP_RELEASE_NOT_IN_ROLLOUT, "rollout at %u%% has not reached this device (bucket %u)",
                                (unsigned)m->rollout_percent, bucket);
    }
    return ESP_RELEASE_OK;
}
