/*
 * esp_release_ota core: checks an esp-release signed manifest (docs/manifest.md) on a device.
 *
 * Portable C99: Mbed TLS (2.28 or 3.x) and cJSON only, no ESP-IDF header, so the same code runs on
 * the device and in the host tests. Everything is bounded: a JWS longer than
 * ESP_RELEASE_MANIFEST_MAX_JWS is refused before it is looked at, and no input is read past its length.
 *
 * Use:
 *   esp_release_result_t r;
 *   esp_release_manifest_verify(&config, jws, jws_len, &r);
 *   r.err == ESP_RELEASE_OK          -> download r.manifest.path (esp_release_download_*), then store r.manifest.sequence
 *   r.err == ESP_RELEASE_UP_TO_DATE  -> nothing to download; store r.manifest.sequence
 *   r.err == ESP_RELEASE_NOT_IN_ROLLOUT -> a staged rollout not yet for this device: store nothing, poll later
 *   anything else                    -> refuse; r.reason says why
 */
#ifndef ESP_RELEASE_MANIFEST_H
#define ESP_RELEASE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/sha256.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest compact JWS accepted, surrounding whitespace included (a real manifest is about 1.5 KB). */
#define ESP_RELEASE_MANIFEST_MAX_JWS 4096
/** Longest firmware.path accepted, in bytes (esp-release writes at most about 170). */
#define ESP_RELEASE_MANIFEST_MAX_PATH 255
/** Deepest JSON nesting accepted in the header and the payload (v1 needs 2); bounds cJSON's recursion. */
#define ESP_RELEASE_MANIFEST_MAX_DEPTH 8
/** Length of a kid: base64url of a SHA-256 (RFC 7638 thumbprint). */
#define ESP_RELEASE_KID_LEN 43
/** Length of a rollout salt: base64url of 16 bytes. */
#define ESP_RELEASE_ROLLOUT_SALT_LEN 22
/** Longest device id (config.device_id) accepted, in bytes. */
#define ESP_RELEASE_DEVICE_ID_MAX 64

/** Results. The numbers are stable: new codes are only ever appended. */
typedef enum {
    ESP_RELEASE_OK = 0,                  /**< authentic and applicable: download it */
    ESP_RELEASE_UP_TO_DATE = 1,          /**< authentic and applicable, but version = the running one: store the sequence */
    ESP_RELEASE_ERR_ARG = 2,             /**< NULL argument or incomplete config */
    ESP_RELEASE_ERR_KEY = 3,             /**< a trusted key is not a P-256 public key, or its configured kid is not its thumbprint */
    ESP_RELEASE_ERR_TOO_LARGE = 4,       /**< the JWS is longer than ESP_RELEASE_MANIFEST_MAX_JWS */
    ESP_RELEASE_ERR_MALFORMED = 5,       /**< not three base64url parts */
    ESP_RELEASE_ERR_HEADER = 6,          /**< header not a JSON object, no kid, or has crit */
    ESP_RELEASE_ERR_ALG = 7,             /**< alg is not ES256 (none, HS256, ...) */
    ESP_RELEASE_ERR_UNKNOWN_KID = 8,     /**< no trusted key has the header's kid */
    ESP_RELEASE_ERR_SIGNATURE = 9,       /**< the signature is not 64 bytes or does not verify */
    ESP_RELEASE_ERR_PAYLOAD = 10,        /**< payload not JSON, or a member missing, of the wrong type or out of range */
    ESP_RELEASE_ERR_SCHEMA = 11,         /**< schema is not esp-release/manifest/v1 */
    ESP_RELEASE_ERR_CHANNEL = 12,        /**< signed for another channel */
    ESP_RELEASE_ERR_PROJECT = 13,        /**< another project */
    ESP_RELEASE_ERR_CHIP = 14,           /**< another chip (chip or chipId) */
    ESP_RELEASE_ERR_CHIP_REVISION = 15,  /**< this chip revision is outside minChipRevision..maxChipRevision */
    ESP_RELEASE_ERR_SECURE_VERSION = 16, /**< secureVersion below the device's anti-rollback floor */
    ESP_RELEASE_ERR_SEQUENCE = 17,       /**< sequence not above the last accepted (a replayed pointer) */
    ESP_RELEASE_ERR_DOWNGRADE = 18,      /**< only with refuse_older: version is not semver-newer */
    ESP_RELEASE_ERR_SIZE = 19,           /**< download: byte count differs from firmware.size */
    ESP_RELEASE_ERR_SHA256 = 20,         /**< download: SHA-256 differs from firmware.sha256 */
    ESP_RELEASE_ERR_NO_MEMORY = 21,      /**< an allocation failed */
    ESP_RELEASE_ERR_CRYPTO = 22,         /**< Mbed TLS failed other than by a bad signature */
    ESP_RELEASE_NOT_IN_ROLLOUT = 23,     /**< authentic and applicable, but a staged rollout that has not reached this
                                              device yet: download nothing, store nothing, poll again later */
    ESP_RELEASE_ERR_URL = 24,            /**< esp_release_url_resolve: a base or reference it cannot resolve, or no room */
} esp_release_err_t;

/** One trusted public key. */
typedef struct {
    /** Optional RFC 7638 thumbprint (43 characters, as `esp-release keygen` prints). NULL: computed
     *  from the key. When given it must equal the key's thumbprint, else ESP_RELEASE_ERR_KEY. */
    const char *kid;
    /** SubjectPublicKeyInfo as PEM (`key.pub.pem`; a trailing NUL is optional) or DER. P-256 only. */
    const unsigned char *key;
    size_t key_len;
} esp_release_trusted_key_t;

/** What the device is and what it has accepted so far. Strings are NUL-terminated. */
typedef struct {
    const esp_release_trusted_key_t *keys; /**< 1-of-N: a manifest signed by any of them is authentic */
    size_t key_count;
    const char *channel;          /**< the channel fetched; the manifest's channel must equal it */
    const char *project;          /**< esp_app_get_description()->project_name */
    const char *chip;             /**< CONFIG_IDF_TARGET, e.g. "esp32s3" */
    int32_t chip_id;              /**< CONFIG_IDF_FIRMWARE_CHIP_ID, or -1 to check `chip` only */
    int32_t chip_revision;        /**< efuse_hal_chip_revision() (major*100+minor), or -1 to skip the revision check */
    const char *current_version;  /**< esp_app_get_description()->version */
    uint32_t secure_version_floor; /**< lowest secureVersion accepted (the eFuse anti-rollback value) */
    uint64_t last_sequence;       /**< last sequence accepted for this channel, 0 before the first */
    /** docs/manifest.md does not require a newer version (a rollback names an older one on purpose;
     *  sequence and secure_version stop replays and downgrades). true: also refuse a version that is
     *  not semver-newer than current_version (both must be semver, an optional leading 'v' allowed). */
    bool refuse_older;
    /** This device's id for staged rollouts (docs/manifest.md, "Staged rollout"): 1 to
     *  ESP_RELEASE_DEVICE_ID_MAX bytes, stable for the device's life. The component's default is the
     *  base MAC as 12 lowercase hex digits. Needed only when a manifest carries `rollout`; NULL then
     *  gives ESP_RELEASE_ERR_ARG. */
    const char *device_id;
} esp_release_config_t;

/** The manifest's members, as signed. Valid when esp_release_manifest_verify returns OK or UP_TO_DATE. */
typedef struct {
    char kid[ESP_RELEASE_KID_LEN + 1];
    char project[32];
    char version[32];
    char chip[32];
    uint16_t chip_id;
    uint16_t min_chip_revision;
    int32_t max_chip_revision;    /**< -1: no limit (null) */
    uint32_t secure_version;
    char channel[64];
    uint64_t sequence;
    char action[16];              /**< "" in a packed manifest */
    char path[ESP_RELEASE_MANIFEST_MAX_PATH + 1]; /**< relative to the manifest's URL (RFC 3986 §5.2) */
    uint64_t size;
    uint8_t sha256[32];
    bool has_image_digest;
    uint8_t image_digest[32];
    bool has_rollout;             /**< false: every device takes it (no `rollout` member) */
    uint8_t rollout_percent;      /**< 0..100; 0 is a halted rollout */
    char rollout_salt[ESP_RELEASE_ROLLOUT_SALT_LEN + 1];
} esp_release_manifest_t;

typedef struct {
    esp_release_err_t err;
    char reason[96];              /**< short, for logs; never holds key material */
    esp_release_manifest_t manifest;
} esp_release_result_t;

/**
 * Checks a compact JWS as fetched (surrounding whitespace allowed): three base64url parts, alg
 * ES256, a trusted kid, the signature, then the payload's members and the rules of
 * docs/manifest.md ("Checking a manifest on the device", steps 1-9). Fills *result and returns
 * result->err. `jws` need not be NUL-terminated; at most `len` bytes are read.
 */
esp_release_err_t esp_release_manifest_verify(const esp_release_config_t *config, const char *jws, size_t len,
                                              esp_release_result_t *result);

/** The enum's name ("ESP_RELEASE_ERR_SEQUENCE"), for logs. */
const char *esp_release_err_name(esp_release_err_t err);

/**
 * Staged rollout (docs/manifest.md, "Staged rollout"): the device's bucket, 0..99, the big-endian
 * first 8 bytes of SHA-256(salt || device_id) modulo 100. Both strings NUL-terminated.
 */
unsigned esp_release_rollout_bucket(const char *salt, const char *device_id);
/** Whether the device is in a rollout of `percent` (0..100) with this salt: bucket < percent. */
bool esp_release_rollout_contains(const char *salt, const char *device_id, unsigned percent);

/**
 * Resolves a manifest's firmware.path against the URL the manifest came from (RFC 3986 §5.2, with
 * the dot-segment removal of §5.2.4; the base's query and fragment are dropped, as the RFC says).
 * base must be an absolute http(s) URL; reference a relative path without scheme, query or
 * fragment (what esp-release writes). Writes a NUL-terminated URL to out; ESP_RELEASE_ERR_URL when
 * either does not qualify or the result needs more than cap bytes.
 */
esp_release_err_t esp_release_url_resolve(const char *base, const char *reference, char *out, size_t cap);

/** Streaming check of the download (step 10): count and hash every byte written to the OTA partition. */
typedef struct {
    mbedtls_sha256_context sha;
    uint64_t expected_size;
    uint64_t received;
    uint8_t expected_sha256[32];
    int state;                    /**< internal */
} esp_release_download_t;

/** Starts a check against the manifest's firmware.size and firmware.sha256. */
esp_release_err_t esp_release_download_init(esp_release_download_t *dl, const esp_release_manifest_t *manifest);
/** Adds bytes; ESP_RELEASE_ERR_SIZE at once when more than firmware.size arrive (then call abort). */
esp_release_err_t esp_release_download_update(esp_release_download_t *dl, const void *data, size_t len);
/** OK only when exactly firmware.size bytes with SHA-256 firmware.sha256 arrived. Frees the context;
 *  `result` (may be NULL) gets the code and reason. */
esp_release_err_t esp_release_download_finish(esp_release_download_t *dl, esp_release_result_t *result);
/** Frees the context without judging (after an error, or when the transfer broke off). */
void esp_release_download_abort(esp_release_download_t *dl);

#ifdef __cplusplus
}
#endif

#endif
