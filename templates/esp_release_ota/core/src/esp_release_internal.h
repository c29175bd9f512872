/* Internal stages of esp_release_manifest_verify, exposed to the host tests (the mutation run drives
 * each stage directly so that most inputs need no ECDSA). Not part of the component's API. */
#ifndef ESP_RELEASE_INTERNAL_H
#define ESP_RELEASE_INTERNAL_H

#include <stdarg.h>

#include "esp_release_manifest.h"
#include "mbedtls/version.h"

#if MBEDTLS_VERSION_NUMBER < 0x03000000
/* 2.28: the int-returning SHA-256 functions carry a _ret suffix (3.0 renamed them). */
#define esp_release_sha256_starts(ctx) mbedtls_sha256_starts_ret((ctx), 0)
#define esp_release_sha256_update(ctx, d, n) mbedtls_sha256_update_ret((ctx), (d), (n))
#define esp_release_sha256_finish(ctx, out) mbedtls_sha256_finish_ret((ctx), (out))
#define esp_release_sha256(d, n, out) mbedtls_sha256_ret((d), (n), (out), 0)
#else
#define esp_release_sha256_starts(ctx) mbedtls_sha256_starts((ctx), 0)
#define esp_release_sha256_update(ctx, d, n) mbedtls_sha256_update((ctx), (d), (n))
#define esp_release_sha256_finish(ctx, out) mbedtls_sha256_finish((ctx), (out))
#define esp_release_sha256(d, n, out) mbedtls_sha256((d), (n), (out), 0)
#endif

/* Strict unpadded base64url (RFC 4648 §5): refuses '=', other characters, a length of 4k+1 and
 * non-zero unused bits (so every text has one decoding and every decoding one text). Returns 0 and
 * the length, or -1 (also when the output does not fit in cap). */
int esp_release_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);
void esp_release_b64url_encode(const uint8_t *in, size_t len, char *out); /* out: 4*len/3+2 bytes, NUL-terminated */

/* JWS R||S (32+32 bytes, big-endian) to the DER ECDSA-Sig-Value Mbed TLS verifies; der needs 72 bytes. */
size_t esp_release_rs_to_der(const uint8_t rs[64], uint8_t der[72]);

/* Raw JSON text checks cJSON does not make: no NUL byte, no \u0000 escape (cJSON would cut the
 * string there), nesting at most ESP_RELEASE_MANIFEST_MAX_DEPTH. 0 ok, -1 refused. */
int esp_release_json_prescan(const char *text, size_t len);

/* The protected header: alg ES256, no crit, a kid (copied into kid). */
esp_release_err_t esp_release_check_header(const uint8_t *header, size_t len, char kid[ESP_RELEASE_KID_LEN + 1],
                                           esp_release_result_t *result);

/* The payload (after the signature checked out): members and the rules. */
esp_release_err_t esp_release_check_payload(const esp_release_config_t *config, const uint8_t *payload, size_t len,
                                            esp_release_result_t *result);

struct cJSON;
/* The pointer's optional `rollout` member (docs/manifest.md, "Staged rollout"), read into m. */
esp_release_err_t esp_release_read_rollout(esp_release_result_t *result, const struct cJSON *root,
                                           esp_release_manifest_t *m);
/* NOT_IN_ROLLOUT when m has a rollout that does not include config->device_id; OK otherwise. */
esp_release_err_t esp_release_check_rollout(const esp_release_config_t *config, const esp_release_manifest_t *m,
                                            esp_release_result_t *result);

/* Semver 2.0 precedence of a and b (optional leading 'v'; build metadata ignored): 0 and *cmp
 * <0/0/>0, or -1 when either is not semver. */
int esp_release_semver_compare(const char *a, const char *b, int *cmp);

/* Sets result->err and result->reason (printf-style, truncated to fit); returns err. */
esp_release_err_t esp_release_fail(esp_release_result_t *result, esp_release_err_t err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
