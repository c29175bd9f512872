/* The manifest's members (docs/manifest.md, "Members") and the device's rules (steps 4-9). */
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "esp_release_internal.h"

#define SCHEMA_ID "esp-release/manifest/v1"
#define MAX_SAFE_INTEGER 9007199254740991.0 /* 2^53-1: every integer up to it is exact in cJSON's double */

typedef struct {
    const cJSON *root;
    esp_release_result_t *result;
} reader_t;

/* A member, or NULL when absent. Members are looked up case-sensitively (cJSON_GetObjectItem is not). */
static const cJSON *member(const cJSON *object, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(object, name);
}

static bool has_duplicates(const cJSON *object)
{
    for (const cJSON *a = object->child; a != NULL; a = a->next) {
        for (const cJSON *b = a->next; b != NULL; b = b->next) {
            if (strcmp(a->string, b->string) == 0) {
                return true;
            }
        }
    }
    return false;
}

/* A string member of 1..cap-1 bytes (min_len 0 allows ""), copied into out. */
static esp_release_err_t text(esp_release_result_t *r, const cJSON *object, const char *name, char *out, size_t cap,
                              size_t min_len)
{
    const cJSON *v = member(object, name);
    if (!cJSON_IsString(v)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "%s is missing or not a string", name);
    }
    size_t n = strlen(v->valuestring);
    if (n < min_len || n >= cap) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "%s has %lu bytes, not %lu to %lu", name, (unsigned long)n,
                                (unsigned long)min_len, (unsigned long)cap - 1);
    }
    if (out != NULL) {
        memcpy(out, v->valuestring, n + 1);
    }
    return ESP_RELEASE_OK;
}

/* An integer member in min..max. Absent or null gives *out = -1 when nullable. */
static esp_release_err_t integer(esp_release_result_t *r, const cJSON *object, const char *name, double min, double max,
                                 bool nullable, int64_t *out)
{
    const cJSON *v = member(object, name);
    if (nullable && (v == NULL || cJSON_IsNull(v))) {
        *out = -1;
        return ESP_RELEASE_OK;
    }
    if (!cJSON_IsNumber(v)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "%s is missing or not a number", name);
    }
    double d = v->valuedouble;
    if (!(d >= min && d <= max) || (double)(int64_t)d != d) { /* also refuses NaN */
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "%s is not an integer from %.0f to %.0f", name, min, max);
    }
    *out = (int64_t)d;
    return ESP_RELEASE_OK;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1; /* uppercase is refused: the format writes lowercase */
}

/* 64 lowercase hex digits into 32 bytes; absent or null gives *present = false when nullable. */
static esp_release_err_t sha256_hex(esp_release_result_t *r, const cJSON *object, const char *name, bool nullable,
                                    bool *present, uint8_t out[32])
{
    const cJSON *v = member(object, name);
    if (nullable && (v == NULL || cJSON_IsNull(v))) {
        *present = false;
        return ESP_RELEASE_OK;
    }
    if (!cJSON_IsString(v) || strlen(v->valuestring) != 64) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "%s is not 64 hex digits", name);
    }
    for (size_t i = 0; i < 32; i++) {
        int hi = hex_value(v->valuestring[2 * i]), lo = hex_value(v->valuestring[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "%s is not 64 lowercase hex digits", name);
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *present = true;
    return ESP_RELEASE_OK;
}

static bool lower_or_digit(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^[a-z0-9][a-z0-9._-]{0,62}$ */
static bool channel_name_ok(const char *s)
{
    if (!lower_or_digit(s[0])) {
        return false;
    }
    for (size_t i = 1; s[i] != '\0'; i++) {
        if (!lower_or_digit(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-') {
            return false;
        }
    }
    return true;
}

/* YYYY-MM-DDTHH:MM:SSZ (the shape; the values are not needed on the device). */
static bool created_ok(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof shape - 1) {
        return false;
    }
    for (size_t i = 0; shape[i] != '\0'; i++) {
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i]) {
            return false;
        }
    }
    return true;
}

/* Every member, read and range-checked into m (docs/manifest.md, "Members"). */
static esp_release_err_t read_members(esp_release_result_t *r, const cJSON *root, esp_release_manifest_t *m)
{
    esp_release_err_t err;
    int64_t n;
    char scratch[33];
#define TRY(x)                                                                                                         \
    do {                                                                                                               \
        if ((err = (x)) != ESP_RELEASE_OK) return err;                                                                 \
    } while (0)
    TRY(text(r, root, "project", m->project, sizeof m->project, 0));
    TRY(text(r, root, "version", m->version, sizeof m->version, 1));
    TRY(text(r, root, "chip", m->chip, sizeof m->chip, 5));
    if (strncmp(m->chip, "esp32", 5) != 0) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "chip is not an ESP-IDF target name");
    }
    for (size_t i = 5; m->chip[i] != '\0'; i++) {
        if (!lower_or_digit(m->chip[i])) {
            return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "chip is not an ESP-IDF target name");
        }
    }
    TRY(integer(r, root, "chipId", 0, 65535, false, &n));
    m->chip_id = (uint16_t)n;
    TRY(integer(r, root, "minChipRevision", 0, 65535, false, &n));
    m->min_chip_revision = (uint16_t)n;
    TRY(integer(r, root, "maxChipRevision", 1, 65534, true, &n));
    m->max_chip_revision = (int32_t)n;
    TRY(integer(r, root, "secureVersion", 0, 32, false, &n));
    m->secure_version = (uint32_t)n;
    TRY(text(r, root, "idfVersion", scratch, sizeof scratch, 0));
    bool present;
    uint8_t ignored[32];
    TRY(sha256_hex(r, root, "elfSha256", true, &present, ignored));

    const cJSON *firmware = member(root, "firmware");
    if (!cJSON_IsObject(firmware)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "firmware is missing or not an object");
    }
    if (has_duplicates(firmware)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "firmware has a member twice");
    }
    TRY(text(r, firmware, "path", m->path, sizeof m->path, 1));
    if (m->path[0] == '/' || strstr(m->path, "://") != NULL || strchr(m->path, '\\') != NULL) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "firmware.path is not a relative path");
    }
    TRY(integer(r, firmware, "size", 0, MAX_SAFE_INTEGER, false, &n));
    m->size = (uint64_t)n;
    TRY(sha256_hex(r, firmware, "sha256", false, &present, m->sha256));
    TRY(sha256_hex(r, firmware, "imageDigest", true, &m->has_image_digest, m->image_digest));

    TRY(text(r, root, "channel", m->channel, sizeof m->channel, 1));
    if (!channel_name_ok(m->channel)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "channel is not a channel name");
    }
    TRY(integer(r, root, "sequence", 0, MAX_SAFE_INTEGER, false, &n));
    m->sequence = (uint64_t)n;
    TRY(text(r, root, "created", scratch, sizeof scratch, 0));
    if (!created_ok(scratch)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "created is not YYYY-MM-DDTHH:MM:SSZ");
    }
    const cJSON *action = member(root, "action");
    if (action != NULL) {
        TRY(text(r, root, "action", m->action, sizeof m->action, 1));
        static const char *const actions[] = {"publish", "promote", "rollback", "rollout", "halt"};
        bool known = false;
        for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
            known = known || strcmp(m->action, actions[i]) == 0;
        }
        if (!known) {
            return esp_release_fail(r, ESP_RELEASE_ERR_PAYLOAD, "action is not publish, promote, rollback, rollout or halt");
        }
    }
    TRY(esp_release_read_rollout(r, root, m));
#undef TRY
    return ESP_RELEASE_OK;
}

/* Steps 4-9 on members already read. */
static esp_release_err_t apply_rules(const esp_release_config_t *c, const esp_release_manifest_t *m,
                                     esp_release_result_t *r)
{
    if (strcmp(m->channel, c->channel) != 0) {
        return esp_release_fail(r, ESP_RELEASE_ERR_CHANNEL, "signed for channel %.40s, not %.40s", m->channel, c->channel);
    }
    if (strcmp(m->project, c->project) != 0) {
        return esp_release_fail(r, ESP_RELEASE_ERR_PROJECT, "for project %.31s, not %.31s", m->project, c->project);
    }
    if (strcmp(m->chip, c->chip) != 0 || (c->chip_id >= 0 && m->chip_id != c->chip_id)) {
        return esp_release_fail(r, ESP_RELEASE_ERR_CHIP, "for %.31s (chip id %u), not %.31s", m->chip,
                                (unsigned)m->chip_id, c->chip);
    }
    if (c->chip_revision >= 0
        && (c->chip_revision < m->min_chip_revision || (m->max_chip_revision >= 0 && c->chip_revision > m->max_chip_revision))) {
        return esp_release_fail(r, ESP_RELEASE_ERR_CHIP_REVISION, "chip revision %ld is outside %u..%ld",
                                (long)c->chip_revision, (unsigned)m->min_chip_revision, (long)m->max_chip_revision);
    }
    if (m->secure_version < c->secure_version_floor) {
        return esp_release_fail(r, ESP_RELEASE_ERR_SECURE_VERSION, "secureVersion %lu is below %lu",
                                (unsigned long)m->secure_version, (unsigned long)c->secure_version_floor);
    }
    if (m->sequence <= c->last_sequence) {
        return esp_release_fail(r, ESP_RELEASE_ERR_SEQUENCE, "sequence %llu is not above %llu",
                                (unsigned long long)m->sequence, (unsigned long long)c->last_sequence);
    }
    if (strcmp(m->version, c->current_version) == 0) {
        return esp_release_fail(r, ESP_RELEASE_UP_TO_DATE, "version %.31s is running", m->version);
    }
    if (c->refuse_older) {
        int cmp;
        if (esp_release_semver_compare(m->version, c->current_version, &cmp) != 0) {
            return esp_release_fail(r, ESP_RELEASE_ERR_DOWNGRADE, "cannot order %.31s and %.31s (not semver)", m->version,
                                    c->current_version);
        }
        if (cmp <= 0) {
            return esp_release_fail(r, ESP_RELEASE_ERR_DOWNGRADE, "version %.31s is not newer than %.31s", m->version,
                                    c->current_version);
        }
    }
    esp_release_err_t err = esp_release_check_rollout(c, m, r);
    if (err != ESP_RELEASE_OK) {
        return err;
    }
    return esp_release_fail(r, ESP_RELEASE_OK, "version %.31s, sequence %llu", m->version, (unsigned long long)m->sequence);
}

esp_release_err_t esp_release_check_payload(const esp_release_config_t *config, const uint8_t *payload, size_t len,
                                            esp_release_result_t *result)
{
    if (len >= ESP_RELEASE_MANIFEST_MAX_JWS) {
        return esp_release_fail(result, ESP_RELEASE_ERR_TOO_LARGE, "payload too large");
    }
    char *text_copy = malloc(len + 1);
    if (text_copy == NULL) {
        return esp_release_fail(result, ESP_RELEASE_ERR_NO_MEMORY, "out of memory for the payload");
    }
    memcpy(text_copy, payload, len);
    text_copy[len] = '\0';
    esp_release_err_t err;
    cJSON *root = NULL;
    if (esp_release_json_prescan(text_copy, len) != 0) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_PAYLOAD, "payload is not plain JSON (NUL, \\u0000 or too deep)");
    } else if ((root = cJSON_ParseWithOpts(text_copy, NULL, 1)) == NULL) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_PAYLOAD, "payload is not JSON");
    } else if (!cJSON_IsObject(root)) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_PAYLOAD, "payload is not a JSON object");
    } else if (has_duplicates(root)) {
        err = esp_release_fail(result, ESP_RELEASE_ERR_PAYLOAD, "payload has a member twice");
    } else {
        const cJSON *schema = member(root, "schema");
        if (!cJSON_IsString(schema) || strcmp(schema->valuestring, SCHEMA_ID) != 0) {
            err = esp_release_fail(result, ESP_RELEASE_ERR_SCHEMA, "schema is not " SCHEMA_ID);
        } else {
            memset(&result->manifest, 0, sizeof result->manifest);
            err = read_members(result, root, &result->manifest);
            if (err == ESP_RELEASE_OK) {
                err = apply_rules(config, &result->manifest, result);
            }
        }
    }
    cJSON_Delete(root);
    free(text_copy);
    return err;
}

/* ---- semver 2.0 precedence ---- */

/* A numeric identifier: digits, no leading zero unless it is "0". Returns its length or 0. */
static size_t numeric_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    if (i == 0 || (i > 1 && s[0] == '0')) {
        return 0;
    }
    return i;
}

/* Compares digit strings without leading zeros: longer is larger, then lexically. */
static int compare_numeric(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) {
        return an < bn ? -1 : 1;
    }
    int c = memcmp(a, b, an);
    return (c > 0) - (c < 0);
}

typedef struct {
    const char *core[3];
    size_t core_len[3];
    const char *pre; /* NULL: no pre-release */
    size_t pre_len;
} semver_t;

static bool ident_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* Dot-separated non-empty identifiers of [0-9A-Za-z-]; numeric ones without leading zeros when numeric_rule. */
static bool identifiers_ok(const char *s, size_t n, bool numeric_rule)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (i == start) {
                return false;
            }
            bool all_digits = true;
            for (size_t j = start; j < i; j++) {
                all_digits = all_digits && s[j] >= '0' && s[j] <= '9';
            }
            if (numeric_rule && all_digits && i - start > 1 && s[start] == '0') {
                return false;
            }
            start = i + 1;
        } else if (!ident_char(s[i])) {
            return false;
        }
    }
    return true;
}

static bool parse_semver(const char *s, semver_t *v)
{
    size_t n = strlen(s), i = 0;
    if (n > 0 && s[0] == 'v') {
        i = 1;
    }
    for (int part = 0; part < 3; part++) {
        size_t len = numeric_len(s + i, n - i);
        if (len == 0) {
            return false;
        }
        v->core[part] = s + i;
        v->core_len[part] = len;
        i += len;
        if (part < 2) {
            if (i >= n || s[i] != '.') {
                return false;
            }
            i++;
        }
    }
    v->pre = NULL;
    v->pre_len = 0;
    if (i < n && s[i] == '-') {
        size_t start = ++i;
        while (i < n && s[i] != '+') {
            i++;
        }
        if (!identifiers_ok(s + start, i - start, true)) {
            return false;
        }
        v->pre = s + start;
        v->pre_len = i - start;
    }
    if (i < n && s[i] == '+') {
        i++;
        if (!identifiers_ok(s + i, n - i, false)) {
            return false;
        }
        i = n;
    }
    return i == n;
}

int esp_release_semver_compare(const char *a, const char *b, int *cmp)
{
    semver_t x, y;
    if (!parse_semver(a, &x) || !parse_semver(b, &y)) {
        return -1;
    }
    for (int part = 0; part < 3; part++) {
        int c = compare_numeric(x.core[part], x.core_len[part], y.core[part], y.core_len[part]);
        if (c != 0) {
            *cmp = c;
            return 0;
        }
    }
    if (x.pre == NULL || y.pre == NULL) { /* a pre-release is below its release */
        *cmp = (x.pre == NULL) - (y.pre == NULL);
        return 0;
    }
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= x.pre_len || j >= y.pre_len) { /* the one with fewer identifiers is lower */
            *cmp = (i < x.pre_len) - (j < y.pre_len);
            return 0;
        }
        size_t ie = i, je = j;
        while (ie < x.pre_len && x.pre[ie] != '.') ie++;
        while (je < y.pre_len && y.pre[je] != '.') je++;
        bool xn = numeric_len(x.pre + i, ie - i) == ie - i, yn = numeric_len(y.pre + j, je - j) == je - j;
        int c;
        if (xn && yn) {
            c = compare_numeric(x.pre + i, ie - i, y.pre + j, je - j);
        } else if (xn != yn) {
            c = xn ? -1 : 1; /* numeric identifiers are lower than alphanumeric ones */
        } else {
            size_t m = ie - i < je - j ? ie - i : je - j;
            c = memcmp(x.pre + i, y.pre + j, m);
            c = c != 0 ? (c > 0) - (c < 0) : (ie - i > je - j) - (ie - i < je - j);
        }
        if (c != 0) {
            *cmp = c;
            return 0;
        }
        i = ie < x.pre_len ? ie + 1 : ie;
        j = je < y.pre_len ? je + 1 : je;
    }
}
