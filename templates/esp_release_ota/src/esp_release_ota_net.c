/*
 * The two downloads: the channel pointer (a bounded GET) and the firmware (esp_https_ota into the
 * next OTA slot, read back and checked against the signed manifest before the slot is made bootable).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "esp_http_client.h"
#include "esp_https_ota.h"
#include "esp_log.h"
#include "esp_ota_ops.h"
#include "esp_partition.h"
#include "esp_release_ota_private.h"

static const char *TAG = ESP_RELEASE_OTA_TAG;

/* Flash is read back in pieces of this size (on the heap: the task's stack holds the TLS session). */
#define READ_BACK_CHUNK 4096

void esp_release_ota_redact(const char *url, char *out, size_t cap)
{
    size_t end = strcspn(url, "?#");
    snprintf(out, cap, "%.*s%s", (int)end, url, url[end] == '?' ? "?<redacted>" : "");
}

esp_err_t esp_release_ota_fetch_pointer(const esp_release_ota_config_t *config, char *buf, size_t cap, size_t *len,
                                        int *http_status)
{
    char shown[160];
    esp_release_ota_redact(config->pointer_url, shown, sizeof shown);
    *len = 0;
    *http_status = 0;
    /* The one CA the app embeds, never a bundle: the pointer's host is the app's own. */
    esp_http_client_config_t http = {
        .url = config->pointer_url,
        .cert_pem = config->ca_pem,
        .timeout_ms = config->http_timeout_ms,
    };
    esp_http_client_handle_t client = esp_http_client_init(&http);
    if (client == NULL) {
        ESP_LOGE(TAG, "GET %s: esp_http_client_init failed (not an http(s) URL, or no memory)", shown);
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t err = esp_http_client_open(client, 0);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "GET %s: %s (no connection: DNS, TCP or the TLS handshake against the embedded CA)", shown,
                 esp_err_to_name(err));
    } else {
        /* open/fetch_headers follows no redirect (only esp_http_client_perform does): a 3xx is reported. */
        int64_t content_length = esp_http_client_fetch_headers(client);
        *http_status = esp_http_client_get_status_code(client);
        if (*http_status != 200) {
            ESP_LOGE(TAG, "GET %s: HTTP %d, expected 200 with the signed pointer", shown, *http_status);
            err = ESP_ERR_INVALID_RESPONSE;
        } else if (content_length > (int64_t)cap) {
            ESP_LOGE(TAG, "GET %s: %" PRId64 " bytes, more than the %u a pointer may have", shown, content_length,
                     (unsigned)cap);
            err = ESP_ERR_INVALID_SIZE;
        } else {
            /* One byte more than allowed is asked for, so a longer (or chunked) body shows itself. */
            int n = esp_http_client_read_response(client, buf, (int)cap + 1);
            if (n < 0) {
                ESP_LOGE(TAG, "GET %s: the body broke off", shown);
                err = ESP_FAIL;
            } else if ((size_t)n > cap) {
                ESP_LOGE(TAG, "GET %s: more than the %u bytes a pointer may have", shown, (unsigned)cap);
                err = ESP_ERR_INVALID_SIZE;
            } else {
                *len = (size_t)n;
            }
        }
        esp_http_client_close(client);
    }
    esp_http_client_cleanup(client);
    return err;
}

/*
 * RFC 3986 resolution drops the base's query. An Azure container SAS on the pointer's URL covers the
 * firmware blob in the same container too, so the pointer's query is appended to the firmware's URL:
 * without it the firmware GET would be a 403 (or a 404 on a private container).
 */
esp_err_t esp_release_ota_firmware_url(const char *pointer_url, const char *path, char **out)
{
    const char *query = strchr(pointer_url, '?');
    size_t query_len = query == NULL ? 0 : strcspn(query + 1, "#");
    /* The resolved URL is at most the base's scheme, authority and path plus the reference. */
    size_t cap = strlen(pointer_url) + strlen(path) + query_len + 3;
    *out = malloc(cap);
    if (*out == NULL) {
        return ESP_ERR_NO_MEM;
    }
    esp_release_err_t r = esp_release_url_resolve(pointer_url, path, *out, cap);
    if (r != ESP_RELEASE_OK) {
        ESP_LOGE(TAG, "firmware.path \"%s\" does not resolve against the pointer's URL (%s)", path, esp_release_err_name(r));
        free(*out);
        *out = NULL;
        return ESP_ERR_INVALID_RESPONSE;
    }
    if (query_len > 0) {
        size_t used = strlen(*out);
        snprintf(*out + used, cap - used, "%c%.*s", strchr(*out, '?') ? '&' : '?', (int)query_len, query + 1);
    }
    return ESP_OK;
}

/*
 * esp_https_ota has no hook for the bytes it writes, so they are read back from the slot and run
 * through the core's size and SHA-256 check of the manifest. esp_https_ota_perform has written every
 * byte by then: esp_ota_write holds back nothing but a flash-encryption tail under 16 bytes, and an
 * app image's length is a multiple of 16.
 */
static esp_err_t read_back(esp_https_ota_handle_t ota, const esp_release_manifest_t *manifest,
                           esp_release_result_t *verdict)
{
    int received = esp_https_ota_get_image_len_read(ota);
    const esp_partition_t *slot = esp_ota_get_next_update_partition(NULL);
    if (received < 0 || (uint64_t)received != manifest->size || slot == NULL || manifest->size > slot->size) {
        ESP_LOGE(TAG, "received %d bytes; the manifest says %" PRIu64, received, manifest->size);
        verdict->err = ESP_RELEASE_ERR_SIZE;
        snprintf(verdict->reason, sizeof verdict->reason, "received %d bytes, firmware.size is %" PRIu64, received,
                 manifest->size);
        return ESP_ERR_INVALID_SIZE;
    }
    uint8_t *chunk = malloc(READ_BACK_CHUNK);
    esp_release_download_t dl;
    if (chunk == NULL || esp_release_download_init(&dl, manifest) != ESP_RELEASE_OK) {
        free(chunk);
        return ESP_ERR_NO_MEM;
    }
    esp_err_t err = ESP_OK;
    for (uint64_t offset = 0; offset < manifest->size && err == ESP_OK;) {
        size_t n = manifest->size - offset < READ_BACK_CHUNK ? (size_t)(manifest->size - offset) : READ_BACK_CHUNK;
        err = esp_partition_read(slot, (size_t)offset, chunk, n);
        if (err == ESP_OK && esp_release_download_update(&dl, chunk, n) != ESP_RELEASE_OK) {
            err = ESP_ERR_INVALID_SIZE;
        }
        offset += n;
    }
    free(chunk);
    if (err != ESP_OK) {
        esp_release_download_abort(&dl);
        ESP_LOGE(TAG, "reading back partition %s: %s", slot->label, esp_err_to_name(err));
        return err;
    }
    if (esp_release_download_finish(&dl, verdict) != ESP_RELEASE_OK) {
        ESP_LOGE(TAG, "the download is not the firmware the manifest names: %s (%s)", esp_release_err_name(verdict->err),
                 verdict->reason);
        return ESP_ERR_INVALID_CRC;
    }
    return ESP_OK;
}

esp_err_t esp_release_ota_install(const esp_release_ota_config_t *config, const char *url,
                                  const esp_release_manifest_t *manifest, esp_release_result_t *verdict)
{
    char shown[160];
    esp_release_ota_redact(url, shown, sizeof shown);
    esp_http_client_config_t http = {
        .url = url,
        .cert_pem = config->ca_pem,
        .timeout_ms = config->http_timeout_ms,
        .keep_alive_enable = true,
    };
    esp_https_ota_config_t ota_config = { .http_config = &http };
    esp_https_ota_handle_t ota = NULL;
    esp_err_t err = esp_https_ota_begin(&ota_config, &ota);
    if (err != ESP_OK) {
        /* esp_https_ota logs the HTTP status itself just before. */
        ESP_LOGE(TAG, "GET %s: %s", shown, esp_err_to_name(err));
        return err;
    }
    while ((err = esp_https_ota_perform(ota)) == ESP_ERR_HTTPS_OTA_IN_PROGRESS) {
    }
    if (err == ESP_OK && !esp_https_ota_is_complete_data_received(ota)) {
        ESP_LOGE(TAG, "GET %s: the body ended early", shown);
        err = ESP_ERR_INVALID_SIZE;
    } else if (err != ESP_OK) {
        ESP_LOGE(TAG, "GET %s: %s", shown, esp_err_to_name(err));
    }
    if (err == ESP_OK) {
        err = read_back(ota, manifest, verdict);
    }
    if (err != ESP_OK) {
        esp_https_ota_abort(ota); /* the slot is not made bootable */
        return err;
    }
    /* Validates the image (esp_ota_end) and only then sets the boot partition. */
    err = esp_https_ota_finish(ota);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_https_ota_finish: %s", esp_err_to_name(err));
    }
    return err;
}
