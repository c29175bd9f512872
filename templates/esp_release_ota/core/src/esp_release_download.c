/* Step 10: count and hash the download as it is written to the OTA partition. */
#include <string.h>

#include "esp_release_internal.h"

enum { DL_IDLE = 0, DL_RUNNING = 0x52554e, DL_FAILED = 0x464149 };

esp_release_err_t esp_release_download_init(esp_release_download_t *dl, const esp_release_manifest_t *manifest)
{
    if (dl == NULL || manifest == NULL) {
        return ESP_RELEASE_ERR_ARG;
    }
    memset(dl, 0, sizeof *dl);
    mbedtls_sha256_init(&dl->sha);
    if (esp_release_sha256_starts(&dl->sha) != 0) {
        mbedtls_sha256_free(&dl->sha);
        return ESP_RELEASE_ERR_CRYPTO;
    }
    dl->expected_size = manifest->size;
    memcpy(dl->expected_sha256, manifest->sha256, sizeof dl->expected_sha256);
    dl->state = DL_RUNNING;
    return ESP_RELEASE_OK;
}

esp_release_err_t esp_release_download_update(esp_release_download_t *dl, const void *data, size_t len)
{
    if (dl == NULL || dl->state != DL_RUNNING || (data == NULL && len > 0)) {
        return ESP_RELEASE_ERR_ARG;
    }
    if (len > dl->expected_size - dl->received) { /* received <= expected_size always holds here */
        dl->state = DL_FAILED;
        return ESP_RELEASE_ERR_SIZE;
    }
    if (len > 0 && esp_release_sha256_update(&dl->sha, data, len) != 0) {
        dl->state = DL_FAILED;
        return ESP_RELEASE_ERR_CRYPTO;
    }
    dl->received += len;
    return ESP_RELEASE_OK;
}

esp_release_err_t esp_release_download_finish(esp_release_download_t *dl, esp_release_result_t *result)
{
    esp_release_result_t scratch;
    esp_release_result_t *r = result != NULL ? result : &scratch;
    if (dl == NULL || (dl->state != DL_RUNNING && dl->state != DL_FAILED)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_ARG, "no download to finish");
    }
    uint8_t hash[32];
    esp_release_err_t err;
    if (dl->state == DL_FAILED) {
        err = esp_release_fail(r, ESP_RELEASE_ERR_SIZE, "more than %llu bytes arrived", (unsigned long long)dl->expected_size);
    } else if (dl->received != dl->expected_size) {
        err = esp_release_fail(r, ESP_RELEASE_ERR_SIZE, "%llu bytes arrived, not %llu", (unsigned long long)dl->received,
                               (unsigned long long)dl->expected_size);
    } else if (esp_release_sha256_finish(&dl->sha, hash) != 0) {
        err = esp_release_fail(r, ESP_RELEASE_ERR_CRYPTO, "sha256 failed");
    } else if (memcmp(hash, dl->expected_sha256, sizeof hash) != 0) {
        err = esp_release_fail(r, ESP_RELEASE_ERR_SHA256, "the download's SHA-256 is not firmware.sha256");
    } else {
        err = esp_release_fail(r, ESP_RELEASE_OK, "%llu bytes, SHA-256 matches", (unsigned long long)dl->received);
    }
    esp_release_download_abort(dl);
    return err;
}

void esp_release_download_abort(esp_release_download_t *dl)
{
    if (dl != NULL && (dl->state == DL_RUNNING || dl->state == DL_FAILED)) {
        mbedtls_sha256_free(&dl->sha);
        dl->state = DL_IDLE;
    }
}
