/*
 * The device side of the sample (ESP-IDF 5.3 or later: mbedtls 3.6). Every CONFIG_FIRMWARE_CHECK_INTERVAL_S
 * it fetches the channel pointer CONFIG_FIRMWARE_URL names, checks it the way esp-release's
 * docs/manifest.md says (signature, schema, channel, project, chip, anti-rollback, sequence), and lets
 * esp_https_ota download the firmware it names; the image is booted only if it is the one the signed
 * manifest describes. Both connections trust only the CA in server_certs/ca_cert.pem.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cJSON.h"
#include "esp_app_desc.h"
#include "esp_efuse.h"
#include "esp_event.h"
#include "esp_http_client.h"
#include "esp_https_ota.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_ota_ops.h"
#include "esp_partition.h"
#include "esp_system.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "hal/efuse_hal.h"
#include "mbedtls/base64.h"
#include "mbedtls/pk.h"
#include "mbedtls/psa_util.h"
#include "mbedtls/sha256.h"
#include "nvs.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#define POINTER_MAX 4096

static const char *TAG = "ota";

/* EMBED_TXTFILES: NUL-terminated, and _end points past the NUL, the length mbedtls's PEM parser expects. */
extern const char ca_cert_pem[] asm("_binary_ca_cert_pem_start");
extern const unsigned char signing_key_start[] asm("_binary_signing_key_pub_pem_start");
extern const unsigned char signing_key_end[] asm("_binary_signing_key_pub_pem_end");

/* One task uses them: static, because the main task's stack is no place for 8 KB. */
static char s_jws[POINTER_MAX];
static char s_base64[POINTER_MAX + 4];
static unsigned char s_payload[POINTER_MAX];

/* base64url without padding (RFC 7515), decoded by mbedtls's standard base64. */
static int base64url_decode(const char *in, size_t in_len, unsigned char *out, size_t cap, size_t *out_len)
{
    if (in_len > POINTER_MAX) {
        return -1;
    }
    size_t n = 0;
    for (; n < in_len; n++) {
        s_base64[n] = in[n] == '-' ? '+' : in[n] == '_' ? '/' : in[n];
    }
    while (n % 4 != 0) {
        s_base64[n++] = '=';
    }
    return mbedtls_base64_decode(out, cap, out_len, (const unsigned char *)s_base64, n);
}

/* ES256: ECDSA P-256 over SHA-256 of "header.payload" as received; the signature is R||S, mbedtls wants DER. */
static bool signature_ok(const char *signed_part, size_t signed_len, const char *signature, size_t signature_len)
{
    unsigned char raw[64], der[80], hash[32];
    size_t raw_len = 0, der_len = 0;
    if (base64url_decode(signature, signature_len, raw, sizeof raw, &raw_len) != 0 || raw_len != sizeof raw
        || mbedtls_sha256((const unsigned char *)signed_part, signed_len, hash, 0) != 0
        || mbedtls_ecdsa_raw_to_der(256, raw, sizeof raw, der, sizeof der, &der_len) != 0) {
        return false;
    }
    mbedtls_pk_context key;
    mbedtls_pk_init(&key);
    int ret = mbedtls_pk_parse_public_key(&key, signing_key_start, signing_key_end - signing_key_start);
    if (ret == 0) {
        ret = mbedtls_pk_verify(&key, MBEDTLS_MD_SHA256, hash, sizeof hash, der, der_len);
    }
    mbedtls_pk_free(&key);
    return ret == 0;
}

static esp_err_t fetch_pointer(const char *url, int *len)
{
    esp_http_client_config_t config = { .url = url, .cert_pem = ca_cert_pem, .timeout_ms = 10000 };
    esp_http_client_handle_t client = esp_http_client_init(&config);
    esp_err_t err = esp_http_client_open(client, 0);
    if (err == ESP_OK) {
        esp_http_client_fetch_headers(client);
        int status = esp_http_client_get_status_code(client);
        *len = esp_http_client_read_response(client, s_jws, sizeof s_jws - 1);
        if (status != 200 || *len <= 0 || *len >= (int)sizeof s_jws - 1) {
            ESP_LOGE(TAG, "channel pointer: HTTP %d, %d bytes", status, *len);
            err = ESP_FAIL;
        } else {
            s_jws[*len] = '\0';
        }
    }
    esp_http_client_cleanup(client);
    return err;
}

/* The channel is the pointer's file name: .../channels/stable.jws?<sas> is "stable". */
static void channel_of(const char *url, char *out, size_t cap)
{
    size_t end = strcspn(url, "?"), start = end;
    while (start > 0 && url[start - 1] != '/') {
        start--;
    }
    size_t n = end - start;
    if (n > 4 && strncmp(url + end - 4, ".jws", 4) == 0) {
        n -= 4;
    }
    snprintf(out, cap, "%.*s", (int)n, url + start);
}

/*
 * firmware.path is relative to the pointer's URL (RFC 3986): "../releases/<project>/<version>/<file>".
 * Resolution drops the pointer's query (an Azure SAS), so it is appended again.
 */
static bool resolve(const char *base, const char *path, char *out, size_t cap)
{
    const char *query = strchr(base, '?');
    const char *scheme = strstr(base, "://");
    const char *root = scheme ? strchr(scheme + 3, '/') : NULL;
    size_t dir = query ? (size_t)(query - base) : strlen(base);
    if (root == NULL || path[0] == '/' || strstr(path, "://") != NULL) {
        return false;
    }
    while (dir > 0 && base[dir - 1] != '/') {
        dir--;
    }
    for (; strncmp(path, "../", 3) == 0; path += 3) {
        if (dir <= (size_t)(root - base) + 1) {
            return false;
        }
        dir--;
        while (dir > 0 && base[dir - 1] != '/') {
            dir--;
        }
    }
    int n = snprintf(out, cap, "%.*s%s%s", (int)dir, base, path, query ? query : "");
    return n > 0 && (size_t)n < cap;
}

/* Downloads into the next OTA slot; boots it only when size and image digest are the manifest's. */
static esp_err_t install(const char *url, double size, const char *image_digest)
{
    esp_http_client_config_t http = { .url = url, .cert_pem = ca_cert_pem, .timeout_ms = 10000, .keep_alive_enable = true };
    esp_https_ota_config_t config = { .http_config = &http };
    esp_https_ota_handle_t ota = NULL;
    esp_err_t err = esp_https_ota_begin(&config, &ota);
    if (err != ESP_OK) {
        return err;
    }
    while ((err = esp_https_ota_perform(ota)) == ESP_ERR_HTTPS_OTA_IN_PROGRESS) {
    }
    uint8_t digest[32];
    char hex[65] = "";
    if (err == ESP_OK && esp_https_ota_is_complete_data_received(ota) && esp_https_ota_get_image_len_read(ota) == (int)size
        && esp_partition_get_sha256(esp_ota_get_next_update_partition(NULL), digest) == ESP_OK) {
        for (int i = 0; i < 32; i++) {
            snprintf(hex + 2 * i, 3, "%02x", digest[i]);
        }
        if (strcmp(hex, image_digest) == 0) {
            return esp_https_ota_finish(ota);
        }
    }
    ESP_LOGE(TAG, "the download is not the firmware the manifest names (%s)", esp_err_to_name(err));
    esp_https_ota_abort(ota);
    return err == ESP_OK ? ESP_ERR_INVALID_CRC : err;
}

static const char *text(const cJSON *object, const char *name)
{
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(object, name);
    return cJSON_IsString(value) ? value->valuestring : NULL;
}

static double number(const cJSON *object, const char *name)
{
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(object, name);
    return cJSON_IsNumber(value) ? value->valuedouble : -1;
}

static void check_for_update(nvs_handle_t nvs)
{
    int len = 0;
    if (fetch_pointer(CONFIG_FIRMWARE_URL, &len) != ESP_OK) {
        return;
    }

    /* header.payload.signature. One trusted key, always checked as ES256: alg and kid need no reading. */
    char *dot1 = strchr(s_jws, '.');
    char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    size_t payload_len = 0;
    if (dot2 == NULL || strchr(dot2 + 1, '.') != NULL
        || !signature_ok(s_jws, dot2 - s_jws, dot2 + 1, strcspn(dot2 + 1, "\r\n"))
        || base64url_decode(dot1 + 1, dot2 - dot1 - 1, s_payload, sizeof s_payload, &payload_len) != 0) {
        ESP_LOGE(TAG, "channel pointer: not a JWS signed by keys/signing-key.pub.pem");
        return;
    }

    cJSON *manifest = cJSON_ParseWithLength((const char *)s_payload, payload_len);
    const cJSON *firmware = cJSON_GetObjectItemCaseSensitive(manifest, "firmware");
    const cJSON *max_rev = cJSON_GetObjectItemCaseSensitive(manifest, "maxChipRevision");
    const char *schema = text(manifest, "schema"), *channel = text(manifest, "channel"), *project = text(manifest, "project");
    const char *chip = text(manifest, "chip"), *version = text(manifest, "version");
    const char *path = text(firmware, "path"), *digest = text(firmware, "imageDigest");
    double sequence = number(manifest, "sequence"), secure = number(manifest, "secureVersion");
    double min_rev = number(manifest, "minChipRevision"), size = number(firmware, "size");
    const esp_app_desc_t *running = esp_app_get_description();
    unsigned rev = efuse_hal_chip_revision();
    int64_t last = 0;
    nvs_get_i64(nvs, "sequence", &last);
    char wanted[64];
    channel_of(CONFIG_FIRMWARE_URL, wanted, sizeof wanted);

    const char *refused = schema == NULL || strcmp(schema, "esp-release/manifest/v1") != 0 ? "unknown schema"
        : !version || !path || !digest || !channel || !project || !chip || sequence < 1 || secure < 0 || min_rev < 0 || size < 1 ? "incomplete"
        : strcmp(channel, wanted) != 0 ? "signed for another channel"
        : strcmp(project, running->project_name) != 0 ? "another project's firmware"
        : strcmp(chip, CONFIG_IDF_TARGET) != 0 ? "another chip's firmware"
        : rev < min_rev || (cJSON_IsNumber(max_rev) && rev > max_rev->valuedouble) ? "not for this chip revision"
        : !esp_efuse_check_secure_version((uint32_t)secure) ? "below this chip's anti-rollback level"
        : sequence <= last ? "not newer than the last pointer taken (a replay?)"
        : NULL;

    char url[512];
    if (refused != NULL) {
        ESP_LOGE(TAG, "channel pointer refused: %s", refused);
    } else if (strcmp(version, running->version) == 0) {
        ESP_LOGI(TAG, "%s is the channel's release", version);
        nvs_set_i64(nvs, "sequence", (int64_t)sequence);
        nvs_commit(nvs);
    } else if (!resolve(CONFIG_FIRMWARE_URL, path, url, sizeof url)) {
        ESP_LOGE(TAG, "firmware.path \"%s\" does not resolve against the pointer's URL", path);
    } else {
        ESP_LOGI(TAG, "updating %s -> %s", running->version, version);
        if (install(url, size, digest) == ESP_OK) {
            /* Stored only once acted on, so a failed download is retried with the same pointer. */
            nvs_set_i64(nvs, "sequence", (int64_t)sequence);
            nvs_commit(nvs);
            esp_restart();
        }
    }
    cJSON_Delete(manifest);
}

void app_main(void)
{
    esp_err_t err = nvs_flash_init();
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_ERROR_CHECK(nvs_flash_erase());
        err = nvs_flash_init();
    }
    ESP_ERROR_CHECK(err);
    nvs_handle_t nvs;
    ESP_ERROR_CHECK(nvs_open("ota", NVS_READWRITE, &nvs));
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());

    /* Up and on the network: this release is good, so the bootloader keeps it (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE). */
    esp_ota_mark_app_valid_cancel_rollback();
    /* The URL up to its query: a SAS in it is a credential, and serial logs get pasted into issues. */
    ESP_LOGI(TAG, "%s %s, updates from %.*s", esp_app_get_description()->project_name, esp_app_get_description()->version,
             (int)strcspn(CONFIG_FIRMWARE_URL, "?"), CONFIG_FIRMWARE_URL);
    for (;;) {
        check_for_update(nvs);
        vTaskDelay(pdMS_TO_TICKS(CONFIG_FIRMWARE_CHECK_INTERVAL_S * 1000));
    }
}
