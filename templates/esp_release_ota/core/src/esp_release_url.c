/* firmware.path resolved against the pointer's URL (RFC 3986 §5.2). esp-release writes a relative
 * path such as ../releases/blink/1.4.0/blink-1.4.0-esp32s3.bin; only that form is accepted. */
#include <stdlib.h>
#include <string.h>

#include "esp_release_manifest.h"

typedef struct {
    const char *start;
    size_t len;
} segment_t;

/* Whether s starts with prefix (lowercase ASCII), ignoring ASCII case: schemes are case-insensitive. */
static bool starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++) {
        char c = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
        if (c != *prefix) {
            return false;
        }
    }
    return true;
}

/* Length of "scheme://authority" of an absolute http(s) URL, or 0. */
static size_t origin_len(const char *base)
{
    size_t scheme = starts_with_nocase(base, "https://") ? 8 : starts_with_nocase(base, "http://") ? 7 : 0;
    if (scheme == 0) {
        return 0;
    }
    size_t n = scheme + strcspn(base + scheme, "/?#");
    return n > scheme ? n : 0;
}

/* A relative-path reference as esp-release writes it: not empty, no leading '/', no scheme (no ':'
 * in the first segment), no query, fragment, backslash, space or control character. */
static bool reference_ok(const char *ref)
{
    if (ref[0] == '\0' || ref[0] == '/' || ref[strcspn(ref, ":/")] == ':') {
        return false;
    }
    for (const char *p = ref; *p != '\0'; p++) {
        if (*p == '?' || *p == '#' || *p == '\\' || (unsigned char)*p <= ' ' || *p == 0x7f) {
            return false;
        }
    }
    return true;
}

esp_release_err_t esp_release_url_resolve(const char *base, const char *reference, char *out, size_t cap)
{
    if (base == NULL || reference == NULL || out == NULL || cap == 0) {
        return ESP_RELEASE_ERR_URL;
    }
    size_t origin = origin_len(base);
    if (origin == 0 || !reference_ok(reference)) {
        return ESP_RELEASE_ERR_URL;
    }
    /* merge (§5.2.3): the base path up to its last '/', or "/" when it has none, then the reference. */
    size_t path_len = strcspn(base + origin, "?#");
    const char *path = base + origin;
    size_t dir_len = path_len;
    while (dir_len > 0 && path[dir_len - 1] != '/') {
        dir_len--;
    }
    size_t ref_len = strlen(reference);
    size_t merged_len = (dir_len == 0 ? 1 : dir_len) + ref_len;
    char *merged = malloc(merged_len + 1);
    segment_t *segments = malloc((merged_len + 1) * sizeof *segments);
    if (merged == NULL || segments == NULL) {
        free(merged);
        free(segments);
        return ESP_RELEASE_ERR_NO_MEMORY;
    }
    if (dir_len == 0) {
        merged[0] = '/';
        dir_len = 1;
    } else {
        memcpy(merged, path, dir_len);
    }
    memcpy(merged + dir_len, reference, ref_len + 1);

    /* remove_dot_segments (§5.2.4) on the '/'-separated segments after the leading '/'. A final "." or
     * ".." leaves a trailing '/', as the RFC's algorithm does. */
    size_t count = 0;
    for (const char *s = merged + 1;;) {
        size_t n = strcspn(s, "/");
        bool last = s[n] == '\0';
        if (n == 1 && s[0] == '.') {
            /* dropped */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            count -= count > 0 ? 1 : 0;
        } else {
            segments[count++] = (segment_t){s, n};
        }
        if (last) {
            if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) {
                segments[count++] = (segment_t){s + n, 0};
            }
            break;
        }
        s += n + 1;
    }

    esp_release_err_t err = ESP_RELEASE_OK;
    size_t used = origin;
    if (used >= cap) {
        err = ESP_RELEASE_ERR_URL;
    } else {
        memcpy(out, base, origin);
    }
    for (size_t i = 0; i < count && err == ESP_RELEASE_OK; i++) {
        if (used + 1 + segments[i].len >= cap) {
            err = ESP_RELEASE_ERR_URL;
            break;
        }
        out[used++] = '/';
        memcpy(out + used, segments[i].start, segments[i].len);
        used += segments[i].len;
    }
    if (err == ESP_RELEASE_OK && count == 0) {
        if (used + 1 >= cap) {
            err = ESP_RELEASE_ERR_URL;
        } else {
            out[used++] = '/';
        }
    }
    if (err == ESP_RELEASE_OK) {
        out[used] = '\0';
    } else {
        out[0] = '\0';
    }
    free(merged);
    free(segments);
    return err;
}
