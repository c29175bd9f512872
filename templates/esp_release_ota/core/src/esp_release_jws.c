/* The compact JWS: split, header, trusted key by kid, ES256 signature; then the payload's rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "esp_release_internal.h"
#include "mbedtls/pk.h"
#if defined(MBEDTLS_USE_PSA_CRYPTO)
#include "psa/crypto.h"
#endif

/* Longest header accepted: esp-release's is 84 bytes ({"alg":"ES256","typ":"JOSE","kid":"<43>"}). */
#define HEADER_MAX 256

/* SubjectPublicKeyInfo of a P-256 key up to the 65-byte point: SEQUENCE, AlgorithmIdentifier
 * (id-ecPublicKey, prime256v1), BIT STRING header. The key is DER_PREFIX || 04 || X || Y. */
static const uint8_t P256_SPKI_PREFIX[26] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};

esp_release_err_t esp_release_fail(esp_release_result_t *result, esp_release_err_t err, const char *fmt, ...)
{
    va_list ap;
    result->err = err;
    va_start(ap, fmt);
    vsnprintf(result->reason, sizeof result->reason, fmt, ap);
    va_end(ap);
    return err;
}

const char *esp_release_err_name(esp_release_err_t err)
{
    switch (err) {
    case ESP_RELEASE_OK: return "ESP_RELEASE_OK";
    case ESP_RELEASE_UP_TO_DATE: return "ESP_RELEASE_UP_TO_DATE";
    case ESP_RELEASE_ERR_ARG: return "ESP_RELEASE_ERR_ARG";
    case ESP_RELEASE_ERR_KEY: return "ESP_RELEASE_ERR_KEY";
    case ESP_RELEASE_ERR_TOO_LARGE: return "ESP_RELEASE_ERR_TOO_LARGE";
    case ESP_RELEASE_ERR_MALFORMED: return "ESP_RELEASE_ERR_MALFORMED";
    case ESP_RELEASE_ERR_HEADER: return "ESP_RELEASE_ERR_HEADER";
    case ESP_RELEASE_ERR_ALG: return "ESP_RELEASE_ERR_ALG";
    case ESP_RELEASE_ERR_UNKNOWN_KID: return "ESP_RELEASE_ERR_UNKNOWN_KID";
    case ESP_RELEASE_ERR_SIGNATURE: return "ESP_RELEASE_ERR_SIGNATURE";
    case ESP_RELEASE_ERR_PAYLOAD: return "ESP_RELEASE_ERR_PAYLOAD";
    case ESP_RELEASE_ERR_SCHEMA: return "ESP_RELEASE_ERR_SCHEMA";
    case ESP_RELEASE_ERR_CHANNEL: return "ESP_RELEASE_ERR_CHANNEL";
    case ESP_RELEASE_ERR_PROJECT: return "ESP_RELEASE_ERR_PROJECT";
    case ESP_RELEASE_ERR_CHIP: return "ESP_RELEASE_ERR_CHIP";
    case ESP_RELEASE_ERR_CHIP_REVISION: return "ESP_RELEASE_ERR_CHIP_REVISION";
    case ESP_RELEASE_ERR_SECURE_VERSION: return "ESP_RELEASE_ERR_SECURE_VERSION";
    case ESP_RELEASE_ERR_SEQUENCE: return "ESP_RELEASE_ERR_SEQUENCE";
    case ESP_RELEASE_ERR_DOWNGRADE: return "ESP_RELEASE_ERR_DOWNGRADE";
    case ESP_RELEASE_ERR_SIZE: return "ESP_RELEASE_ERR_SIZE";
    case ESP_RELEASE_ERR_SHA256: return "ESP_RELEASE_ERR_SHA256";
    case ESP_RELEASE_ERR_NO_MEMORY: return "ESP_RELEASE_ERR_NO_MEMORY";
    case ESP_RELEASE_ERR_CRYPTO: return "ESP_RELEASE_ERR_CRYPTO";
    case ESP_RELEASE_NOT_IN_ROLLOUT: return "ESP_RELEASE_NOT_IN_ROLLOUT";
    case ESP_RELEASE_ERR_URL: return "ESP_RELEASE_ERR_URL";
    }
    return "ESP_RELEASE_ERR_UNKNOWN";
}

/* One DER INTEGER from a 32-byte unsigned big-endian value: minimal, with a 0x00 before a high bit. */
static size_t der_integer(const uint8_t v[32], uint8_t *out)
{
    size_t i = 0;
    while (i < 31 && v[i] == 0) {
        i++;
    }
    size_t n = 32 - i;
    size_t pad = (v[i] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    if (pad) {
        out[2] = 0x00;
    }
    memcpy(out + 2 + pad, v + i, n);
    return 2 + pad + n;
}

size_t esp_release_rs_to_der(const uint8_t rs[64], uint8_t der[72])
{
    size_t n = der_integer(rs, der + 2);
    n += der_integer(rs + 32, der + 2 + n);
    der[0] = 0x30;
    der[1] = (uint8_t)n; /* at most 70: the short length form */
    return n + 2;
}

int esp_release_json_prescan(const char *text, size_t len)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\0') {
            return -1;
        }
        if (in_string) {
            if (c == '\\') {
                if (i + 1 >= len) {
                    return -1;
                }
                if (text[i + 1] == 'u' && i + 5 < len && text[i + 2] == '0' && text[i + 3] == '0' && text[i + 4] == '0'
                    && text[i + 5] == '0') {
                    return -1;
                }
                i++;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > ESP_RELEASE_MANIFEST_MAX_DEPTH) {
                return -1;
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 0;
}

esp_release_err_t esp_release_check_header(const uint8_t *header, size_t len, char kid[ESP_RELEASE_KID_LEN + 1],
                                           esp_release_result_t *result)
{
    char text[HEADER_MAX + 1];
    if (len > HEADER_MAX) {
        return esp_release_fail(result, ESP_RELEASE_ERR_HEADER, "header longer than %d bytes", HEADER_MAX);
    }
    memcpy(text, header, len);
    text[len] = '\0';
    if (esp_release_json_prescan(text, len) != 0) {
        return esp_release_fail(result, ESP_RELEASE_ERR_HEADER, "header is not plain JSON");
    }
    cJSON *json = cJSON_ParseWithOpts(text, NULL, 1);
    if (json == NULL) {
        return esp_release_fail(result, ESP_RELEASE_ERR_HEADER, "header is not JSON");
    }
    esp_release_err_t err = ESP_RELEASE_OK;
    bool object = cJSON_IsObject(json);
    const cJSON *alg = object ? cJSON_GetObjectItemCaseSensitive(json, "alg") : NULL;
    const cJSON *k = object ? cJSON_GetObjectItemCaseSensitive(json, "kid") : NULL;
    if (!object) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_HEADER, "header is not a JSON object");
    } else if (!cJSON_IsString(alg) || strcmp(alg->valuestring, "ES256") != 0) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_ALG, "alg is not ES256");
    } else if (cJSON_GetObjectItemCaseSensitive(json, "crit") != NULL) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_HEADER, "header has crit");
    } else if (!cJSON_IsString(k) || strlen(k->valuestring) != ESP_RELEASE_KID_LEN) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_HEADER, "header has no 43-character kid");
    } else {
        for (const cJSON *a = json->child; a != NULL && err == ESP_RELEASE_OK; a = a->next) {
            for (const cJSON *b = a->next; b != NULL; b = b->next) {
                if (strcmp(a->string, b->string) == 0) {
                    err = esp_release_fail(result, ESP_RELEASE_ERR_HEADER, "header has a member twice");
                    break;
                }
            }
        }
        if (err == ESP_RELEASE_OK) {
            memcpy(kid, k->valuestring, ESP_RELEASE_KID_LEN + 1);
        }
    }
    cJSON_Delete(json);
    return err;
}

/* Parses a trusted key and computes its RFC 7638 thumbprint. 0, or -1 when it is not a P-256 public key. */
static int load_key(const esp_release_trusted_key_t *trusted, mbedtls_pk_context *pk, char kid[ESP_RELEASE_KID_LEN + 1])
{
    if (trusted->key == NULL || trusted->key_len == 0) {
        return -1;
    }
    int ret;
    static const char pem_begin[] = "-----BEGIN";
    bool pem = trusted->key_len >= sizeof pem_begin - 1 && memcmp(trusted->key, pem_begin, sizeof pem_begin - 1) == 0;
    if (pem && trusted->key[trusted->key_len - 1] != '\0') {
        /* Mbed TLS reads PEM only when the buffer ends in a NUL that the length counts. */
        unsigned char *copy = malloc(trusted->key_len + 1);
        if (copy == NULL) {
            return -2;
        }
        memcpy(copy, trusted->key, trusted->key_len);
        copy[trusted->key_len] = '\0';
        ret = mbedtls_pk_parse_public_key(pk, copy, trusted->key_len + 1);
        free(copy);
    } else {
        ret = mbedtls_pk_parse_public_key(pk, trusted->key, trusted->key_len);
    }
    if (ret != 0 || mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY) {
        return -1;
    }
    /* Written back as DER (at the end of the buffer), the key must be exactly P-256's SPKI: that
     * checks the curve and yields X and Y without touching Mbed TLS's private fields. */
    uint8_t der[128];
    ret = mbedtls_pk_write_pubkey_der(pk, der, sizeof der);
    if (ret != 91) {
        return -1;
    }
    const uint8_t *spki = der + sizeof der - 91;
    if (memcmp(spki, P256_SPKI_PREFIX, sizeof P256_SPKI_PREFIX) != 0 || spki[26] != 0x04) {
        return -1;
    }
    char x[44], y[44];
    esp_release_b64url_encode(spki + 27, 32, x);
    esp_release_b64url_encode(spki + 59, 32, y);
    char jwk[128];
    int n = snprintf(jwk, sizeof jwk, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
    uint8_t thumb[32];
    if (n <= 0 || (size_t)n >= sizeof jwk || esp_release_sha256((const unsigned char *)jwk, (size_t)n, thumb) != 0) {
        return -2;
    }
    esp_release_b64url_encode(thumb, sizeof thumb, kid);
    return 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

esp_release_err_t esp_release_manifest_verify(const esp_release_config_t *config, const char *jws, size_t len,
                                              esp_release_result_t *result)
{
    if (result == NULL) {
        return ESP_RELEASE_ERR_ARG;
    }
    memset(result, 0, sizeof *result);
    if (config == NULL || jws == NULL || config->keys == NULL || config->key_count == 0 || config->channel == NULL
        || config->project == NULL || config->chip == NULL || config->current_version == NULL) {
        return esp_release_fail(result, ESP_RELEASE_ERR_ARG, "incomplete config");
    }
    if (len > ESP_RELEASE_MANIFEST_MAX_JWS) {
        return esp_release_fail(result, ESP_RELEASE_ERR_TOO_LARGE, "JWS of %lu bytes, more than %d", (unsigned long)len,
                                ESP_RELEASE_MANIFEST_MAX_JWS);
    }
    /* Step 1: trim, three parts. */
    size_t start = 0, end = len;
    while (start < end && is_space(jws[start])) {
        start++;
    }
    while (end > start && is_space(jws[end - 1])) {
        end--;
    }
    size_t dot1 = 0, dot2 = 0, dots = 0;
    for (size_t i = start; i < end; i++) {
        if (jws[i] == '.') {
            if (++dots == 1) {
                dot1 = i;
            } else if (dots == 2) {
                dot2 = i;
            }
        }
    }
    if (dots != 2) {
        return esp_release_fail(result, ESP_RELEASE_ERR_MALFORMED, "%lu parts, not 3", (unsigned long)dots + 1);
    }
    uint8_t header[HEADER_MAX];
    uint8_t signature[64];
    size_t header_len, signature_len;
    if (esp_release_b64url_decode(jws + start, dot1 - start, header, sizeof header, &header_len) != 0) {
        return esp_release_fail(result, ESP_RELEASE_ERR_MALFORMED, "header is not base64url (or too long)");
    }
    size_t payload_chars = dot2 - dot1 - 1;
    size_t payload_cap = payload_chars / 4 * 3 + 3, payload_len;
    uint8_t *payload = malloc(payload_cap);
    if (payload == NULL) {
        return esp_release_fail(result, ESP_RELEASE_ERR_NO_MEMORY, "out of memory for the payload");
    }
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    char kid[ESP_RELEASE_KID_LEN + 1];
    esp_release_err_t err;
    if (esp_release_b64url_decode(jws + dot1 + 1, payload_chars, payload, payload_cap, &payload_len) != 0) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_MALFORMED, "payload is not base64url");
        goto done;
    }
    /* Step 2: header, then the trusted key whose kid it names. */
    err = esp_release_check_header(header, header_len, kid, result);
    if (err != ESP_RELEASE_OK) {
        goto done;
    }
    /* (after the header, so that alg "none" with no signature is reported as the wrong alg) */
    if (esp_release_b64url_decode(jws + dot2 + 1, end - dot2 - 1, signature, sizeof signature, &signature_len) != 0
        || signature_len != sizeof signature) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_SIGNATURE, "signature is not 64 bytes of base64url");
        goto done;
    }
#if defined(MBEDTLS_USE_PSA_CRYPTO)
    if (psa_crypto_init() != PSA_SUCCESS) { /* idempotent; Mbed TLS 3 verifies through PSA with this option */
        err = esp_release_fail(result, ESP_RELEASE_ERR_CRYPTO, "psa_crypto_init failed");
        goto done;
    }
#endif
    bool found = false;
    for (size_t i = 0; i < config->key_count && !found; i++) {
        const esp_release_trusted_key_t *trusted = &config->keys[i];
        if (trusted->kid != NULL && strcmp(trusted->kid, kid) != 0) {
            continue; /* a configured kid that differs: no need to parse this key */
        }
        char computed[ESP_RELEASE_KID_LEN + 1];
        mbedtls_pk_free(&pk);
        mbedtls_pk_init(&pk);
        int ret = load_key(trusted, &pk, computed);
        if (ret == -2) {
            err = esp_release_fail(result, ESP_RELEASE_ERR_NO_MEMORY, "out of memory loading key %lu", (unsigned long)i);
            goto done;
        }
        if (ret != 0) {
            err = esp_release_fail(result, ESP_RELEASE_ERR_KEY, "trusted key %lu is not a P-256 public key", (unsigned long)i);
            goto done;
        }
        if (trusted->kid != NULL && strcmp(trusted->kid, computed) != 0) {
            err = esp_release_fail(result, ESP_RELEASE_ERR_KEY, "trusted key %lu: kid is not its thumbprint %s",
                                   (unsigned long)i, computed);
            goto done;
        }
        found = strcmp(computed, kid) == 0;
    }
    if (!found) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_UNKNOWN_KID, "no trusted key has kid %s", kid);
        goto done;
    }
    /* Step 3: ES256 over the first two parts as received. */
    uint8_t hash[32], der[72];
    if (esp_release_sha256((const unsigned char *)jws + start, dot2 - start, hash) != 0) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_CRYPTO, "sha256 failed");
        goto done;
    }
    size_t der_len = esp_release_rs_to_der(signature, der);
    if (mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash, sizeof hash, der, der_len) != 0) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_SIGNATURE, "signature does not verify with key %s", kid);
        goto done;
    }
    /* Steps 4-9: the payload. */
    err = esp_release_check_payload(config, payload, payload_len, result);
    memcpy(result->manifest.kid, kid, sizeof kid);
done:
    mbedtls_pk_free(&pk);
    free(payload);
    return err;
}
