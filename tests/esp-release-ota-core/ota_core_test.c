/*
 * esp-release-ota-core-test: drives the esp_release_ota core (templates/esp_release_ota/core) on the
 * host, built with AddressSanitizer and UndefinedBehaviorSanitizer. See README.md for the protocol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esp_release_internal.h"
#include "esp_release_manifest.h"

#define MAX_KEYS 8
#define INPUT_CAP (1024 * 1024) /* stdin/--jws are read up to this, so oversized input reaches the core */
#define EXIT_ACCEPTED 0
#define EXIT_USAGE 1
#define EXIT_REFUSED 2
#define EXIT_DOWNLOAD_REFUSED 3
#define EXIT_UP_TO_DATE 10
#define EXIT_NOT_IN_ROLLOUT 11

typedef struct {
    esp_release_config_t config;
    esp_release_trusted_key_t keys[MAX_KEYS];
    unsigned char *key_data[MAX_KEYS];
    const char *jws_file;
    const char *firmware_file;
    const char *salt, *base, *ref;
    size_t chunk;
    unsigned long long seed, count, full_every;
} options_t;

static int usage(const char *what)
{
    fprintf(stderr,
            "esp-release-ota-core-test: %s\n"
            "usage: esp-release-ota-core-test verify|fuzz --key FILE [--kid KID] [--key FILE ...] --channel C --project P\n"
            "         --chip C [--chip-id N] [--chip-rev N] --version V [--secure-version N] [--last-sequence N]\n"
            "         [--device-id ID] [--refuse-older] [--jws FILE] [--firmware FILE] [--chunk N] [--seed N] [--count N]\n"
            "         [--full-every N]\n"
            "       esp-release-ota-core-test bucket --salt SALT   (device ids on stdin, one per line)\n"
            "       esp-release-ota-core-test resolve --base URL --ref PATH\n",
            what);
    return EXIT_USAGE;
}

/* Reads at most cap bytes (cap+1 are attempted so that "more" is seen); NUL-terminates. */
static unsigned char *read_all(FILE *f, size_t cap, size_t *len)
{
    unsigned char *buf = malloc(cap + 2);
    if (buf == NULL) {
        return NULL;
    }
    size_t n = fread(buf, 1, cap + 1, f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static unsigned char *read_file(const char *path, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    unsigned char *buf = read_all(f, cap, len);
    fclose(f);
    return buf;
}

static int parse_number(const char *s, unsigned long long *out)
{
    char *end;
    if (s == NULL || *s < '0' || *s > '9') {
        return -1;
    }
    *out = strtoull(s, &end, 10);
    return *end == '\0' ? 0 : -1;
}

static int parse_options(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof *o);
    o->config.keys = o->keys;
    o->config.chip_id = -1;
    o->config.chip_revision = -1;
    o->chunk = 1000;
    o->seed = 1;
    o->count = 1000;
    o->full_every = 50;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long n = 0;
        if (strcmp(a, "--refuse-older") == 0) {
            o->config.refuse_older = true;
            continue;
        }
        if (v == NULL) {
            return usage("an option needs a value");
        }
        i++;
        if (strcmp(a, "--key") == 0) {
            size_t k = o->config.key_count;
            if (k == MAX_KEYS) {
                return usage("too many keys");
            }
            size_t len;
            o->key_data[k] = read_file(v, 16384, &len);
            if (o->key_data[k] == NULL || len > 16384) {
                return usage("cannot read a key file");
            }
            o->keys[k].key = o->key_data[k];
            o->keys[k].key_len = len;
            o->config.key_count++;
        } else if (strcmp(a, "--kid") == 0) {
            if (o->config.key_count == 0) {
                return usage("--kid before --key");
            }
            o->keys[o->config.key_count - 1].kid = v;
        } else if (strcmp(a, "--channel") == 0) {
            o->config.channel = v;
        } else if (strcmp(a, "--project") == 0) {
            o->config.project = v;
        } else if (strcmp(a, "--chip") == 0) {
            o->config.chip = v;
        } else if (strcmp(a, "--version") == 0) {
            o->config.current_version = v;
        } else if (strcmp(a, "--device-id") == 0) {
            o->config.device_id = v;
        } else if (strcmp(a, "--salt") == 0) {
            o->salt = v;
        } else if (strcmp(a, "--base") == 0) {
            o->base = v;
        } else if (strcmp(a, "--ref") == 0) {
            o->ref = v;
        } else if (strcmp(a, "--jws") == 0) {
            o->jws_file = v;
        } else if (strcmp(a, "--firmware") == 0) {
            o->firmware_file = v;
        } else if (parse_number(v, &n) != 0) {
            return usage("a number option has no number");
        } else if (strcmp(a, "--chip-id") == 0 && n <= 65535) {
            o->config.chip_id = (int32_t)n;
        } else if (strcmp(a, "--chip-rev") == 0 && n <= 65535) {
            o->config.chip_revision = (int32_t)n;
        } else if (strcmp(a, "--secure-version") == 0 && n <= 0xffffffffu) {
            o->config.secure_version_floor = (uint32_t)n;
        } else if (strcmp(a, "--last-sequence") == 0) {
            o->config.last_sequence = n;
        } else if (strcmp(a, "--chunk") == 0 && n > 0 && n <= 65536) {
            o->chunk = (size_t)n;
        } else if (strcmp(a, "--seed") == 0) {
            o->seed = n;
        } else if (strcmp(a, "--count") == 0 && n <= 100000000ull) {
            o->count = n;
        } else if (strcmp(a, "--full-every") == 0 && n > 0) {
            o->full_every = n;
        } else {
            return usage("unknown option or value out of range");
        }
    }
    return 0;
}

static void print_hex(const char *name, const uint8_t *b, size_t n)
{
    printf("%s: ", name);
    for (size_t i = 0; i < n; i++) {
        printf("%02x", b[i]);
    }
    printf("\n");
}

/* Streams the file through the download check in chunks, as esp_https_ota would. */
static esp_release_err_t check_download(const char *path, size_t chunk, const esp_release_manifest_t *m,
                                        esp_release_result_t *r)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return esp_release_fail(r, ESP_RELEASE_ERR_ARG, "cannot open the firmware file");
    }
    esp_release_download_t dl;
    esp_release_err_t err = esp_release_download_init(&dl, m);
    unsigned char *buf = malloc(chunk);
    size_t n;
    while (err == ESP_RELEASE_OK && buf != NULL && (n = fread(buf, 1, chunk, f)) > 0) {
        err = esp_release_download_update(&dl, buf, n);
    }
    free(buf);
    fclose(f);
    if (err == ESP_RELEASE_ERR_SIZE) {
        /* Stop at once, as the device would (esp_ota_abort); finish reports the overrun. */
        return esp_release_download_finish(&dl, r);
    }
    if (err != ESP_RELEASE_OK) {
        esp_release_download_abort(&dl);
        return esp_release_fail(r, err, "download check failed");
    }
    return esp_release_download_finish(&dl, r);
}

static int run_verify(options_t *o)
{
    size_t len;
    unsigned char *jws = o->jws_file != NULL ? read_file(o->jws_file, INPUT_CAP, &len) : read_all(stdin, INPUT_CAP, &len);
    if (jws == NULL) {
        return usage("cannot read the JWS");
    }
    esp_release_result_t *r = malloc(sizeof *r);
    if (r == NULL) {
        free(jws);
        return usage("out of memory");
    }
    esp_release_err_t err = esp_release_manifest_verify(&o->config, (const char *)jws, len, r);
    free(jws);
    printf("result: %s\ncode: %d\nreason: %s\n", esp_release_err_name(err), (int)err, r->reason);
    int exit_code = err == ESP_RELEASE_OK               ? EXIT_ACCEPTED
                    : err == ESP_RELEASE_UP_TO_DATE     ? EXIT_UP_TO_DATE
                    : err == ESP_RELEASE_NOT_IN_ROLLOUT ? EXIT_NOT_IN_ROLLOUT
                                                        : EXIT_REFUSED;
    if (err == ESP_RELEASE_OK || err == ESP_RELEASE_UP_TO_DATE || err == ESP_RELEASE_NOT_IN_ROLLOUT) {
        const esp_release_manifest_t *m = &r->manifest;
        printf("kid: %s\nproject: %s\nversion: %s\nchip: %s\nchannel: %s\nsequence: %llu\nsecure-version: %lu\n"
               "action: %s\npath: %s\nsize: %llu\n",
               m->kid, m->project, m->version, m->chip, m->channel, (unsigned long long)m->sequence,
               (unsigned long)m->secure_version, m->action[0] ? m->action : "none", m->path, (unsigned long long)m->size);
        print_hex("sha256", m->sha256, sizeof m->sha256);
        if (m->has_rollout) {
            printf("rollout-percent: %u\nrollout-salt: %s\n", (unsigned)m->rollout_percent, m->rollout_salt);
        } else {
            printf("rollout-percent: none\n");
        }
        if (err == ESP_RELEASE_OK && o->firmware_file != NULL) {
            esp_release_result_t *d = malloc(sizeof *d);
            esp_release_err_t derr = d == NULL ? ESP_RELEASE_ERR_NO_MEMORY : check_download(o->firmware_file, o->chunk, m, d);
            printf("download: %s\ndownload-reason: %s\n", esp_release_err_name(derr), d != NULL ? d->reason : "");
            free(d);
            if (derr != ESP_RELEASE_OK) {
                exit_code = EXIT_DOWNLOAD_REFUSED;
            }
        }
    }
    free(r);
    return exit_code;
}

/* Prints the rollout bucket of every device id read from stdin (one per line), in order. */
static int run_bucket(const options_t *o)
{
    if (o->salt == NULL) {
        return usage("bucket needs --salt");
    }
    char line[ESP_RELEASE_DEVICE_ID_MAX + 2];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        printf("%u\n", esp_release_rollout_bucket(o->salt, line));
    }
    return 0;
}

static int run_resolve(const options_t *o)
{
    if (o->base == NULL || o->ref == NULL) {
        return usage("resolve needs --base and --ref");
    }
    char url[512];
    esp_release_err_t err = esp_release_url_resolve(o->base, o->ref, url, sizeof url);
    printf("result: %s\nurl: %s\n", esp_release_err_name(err), err == ESP_RELEASE_OK ? url : "");
    return err == ESP_RELEASE_OK ? EXIT_ACCEPTED : EXIT_REFUSED;
}

/* ---- the seeded mutation run ---- */

static unsigned long long rng_state;

static unsigned long long next_random(void)
{
    /* splitmix64 */
    unsigned long long z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t below(size_t n)
{
    return n == 0 ? 0 : (size_t)(next_random() % n);
}

static const char *const TOKENS[] = {
    "null", "true", "false", "{", "}", "[", "]", "\"", "\\", ",", ":", "0", "-1", "1e400", "-0", "0.5",
    "9007199254740993", "18446744073709551616", "\\u0000", "\\ud800", "\\u00e9", "\"\":", "{}", "[]",
    "\"schema\"", "\"version\"", "\"sequence\"", "\"firmware\"", "\"channel\"", "\"path\"", "\"size\"", "\"sha256\"",
    "\"maxChipRevision\"", "\"action\"", "\"kid\"", "\"alg\"", "\"crit\"", "\"ES256\"", "\"none\"", "\"HS256\"",
    "\"rollout\"", "\"percent\"", "\"salt\"", "100", "101", "\"halt\"", "?", "#", "./", "%2e",
    "../", "://", "\xff", "\xc3\xa9", " ", "\n", ".", "=", "-", "_", "+", "v", "1.2.3", "-rc.1", "+build",
    "[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{",
};

/* Applies 1..4 random edits to buf (len bytes, capacity cap); returns the new length. */
static size_t mutate(unsigned char *buf, size_t len, size_t cap)
{
    int edits = 1 + (int)below(4);
    for (int e = 0; e < edits; e++) {
        switch (below(8)) {
        case 0: /* flip a bit */
            if (len > 0) buf[below(len)] ^= (unsigned char)(1u << below(8));
            break;
        case 1: /* any byte */
            if (len > 0) buf[below(len)] = (unsigned char)next_random();
            break;
        case 2: { /* insert a token */
            const char *t = TOKENS[below(sizeof TOKENS / sizeof TOKENS[0])];
            size_t tl = strlen(t), at = below(len + 1);
            if (len + tl <= cap) {
                memmove(buf + at + tl, buf + at, len - at);
                memcpy(buf + at, t, tl);
                len += tl;
            }
            break;
        }
        case 3: { /* delete a range */
            if (len == 0) break;
            size_t at = below(len), n = 1 + below(len - at < 16 ? len - at : 16);
            memmove(buf + at, buf + at + n, len - at - n);
            len -= n;
            break;
        }
        case 4: { /* duplicate a range */
            if (len == 0) break;
            size_t at = below(len), n = 1 + below(len - at < 32 ? len - at : 32);
            if (len + n <= cap) {
                memmove(buf + at + n, buf + at, len - at);
                len += n;
            }
            break;
        }
        case 5: /* truncate */
            len = below(len + 1);
            break;
        case 6: { /* overwrite with a copy of another range */
            if (len < 2) break;
            size_t from = below(len), to = below(len), n = 1 + below(8);
            if (from + n > len) n = len - from;
            if (to + n > len) n = len - to;
            memmove(buf + to, buf + from, n);
            break;
        }
        default: /* a digit for a digit: keeps the JSON valid, changes numbers and hashes */
            for (int tries = 0; tries < 8 && len > 0; tries++) {
                size_t at = below(len);
                if (buf[at] >= '0' && buf[at] <= '9') {
                    buf[at] = (unsigned char)('0' + below(10));
                    break;
                }
            }
            break;
        }
    }
    return len;
}

static void violated(const char *what, unsigned long long i)
{
    fprintf(stderr, "property violated at input %llu: %s\n", i, what);
    abort();
}

/* What every accepted manifest must satisfy, whatever the input was. */
static void check_accepted(const esp_release_config_t *c, const esp_release_result_t *r, unsigned long long i)
{
    const esp_release_manifest_t *m = &r->manifest;
    size_t vl = strlen(m->version);
    if (vl == 0 || vl > 31) violated("version length", i);
    if (strcmp(m->channel, c->channel) != 0) violated("channel", i);
    if (strcmp(m->project, c->project) != 0) violated("project", i);
    if (strcmp(m->chip, c->chip) != 0) violated("chip", i);
    if (m->sequence <= c->last_sequence) violated("sequence", i);
    if (m->secure_version < c->secure_version_floor || m->secure_version > 32) violated("secure version", i);
    if (m->path[0] == '\0' || m->path[0] == '/' || strstr(m->path, "://") != NULL) violated("path", i);
    if ((r->err == ESP_RELEASE_UP_TO_DATE) != (strcmp(m->version, c->current_version) == 0)) violated("up to date", i);
    if (r->err == ESP_RELEASE_OK && m->has_rollout
        && (c->device_id == NULL || !esp_release_rollout_contains(m->rollout_salt, c->device_id, m->rollout_percent)))
        violated("rollout cohort", i);
    /* Whatever path was accepted must resolve inside the buffer or be refused, never overrun it. */
    char url[128];
    esp_release_err_t uerr = esp_release_url_resolve("https://ota.example.com/fw/channels/stable.jws", m->path, url, sizeof url);
    if (uerr == ESP_RELEASE_OK && strncmp(url, "https://ota.example.com/", 24) != 0) violated("resolved url origin", i);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_fuzz(options_t *o)
{
    size_t base_len;
    unsigned char *base = o->jws_file != NULL ? read_file(o->jws_file, INPUT_CAP, &base_len) : NULL;
    if (base == NULL || base_len > ESP_RELEASE_MANIFEST_MAX_JWS) {
        free(base);
        return usage("fuzz needs --jws with a valid JWS");
    }
    while (base_len > 0 && (base[base_len - 1] == '\n' || base[base_len - 1] == '\r' || base[base_len - 1] == ' ')) {
        base_len--;
    }
    /* The decoded header and payload: the bases of the stage-level mutations. */
    const char *d1 = memchr(base, '.', base_len);
    const char *d2 = d1 != NULL ? memchr(d1 + 1, '.', base_len - (size_t)(d1 + 1 - (const char *)base)) : NULL;
    static uint8_t header[512], payload[4096];
    size_t header_len = 0, payload_len = 0;
    if (d2 == NULL
        || esp_release_b64url_decode((const char *)base, (size_t)(d1 - (const char *)base), header, sizeof header, &header_len) != 0
        || esp_release_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), payload, sizeof payload, &payload_len) != 0) {
        free(base);
        return usage("--jws is not a compact JWS");
    }
    esp_release_result_t *r = malloc(sizeof *r);
    esp_release_err_t first = esp_release_manifest_verify(&o->config, (const char *)base, base_len, r);
    if (first != ESP_RELEASE_OK && first != ESP_RELEASE_UP_TO_DATE) {
        fprintf(stderr, "the base JWS is refused (%s: %s); the run needs an accepted one\n", esp_release_err_name(first), r->reason);
        free(r);
        free(base);
        return EXIT_USAGE;
    }
    esp_release_manifest_t accepted = r->manifest;
    rng_state = o->seed;
    enum { CAP = 6000 };
    unsigned char *buf = malloc(CAP + 1);
    unsigned long long counts[32] = {0}, stage[6] = {0};
    double start = now_seconds();
    for (unsigned long long i = 0; i < o->count; i++) {
        esp_release_err_t err;
        /* stage 0: the whole JWS (ECDSA); 1: payload rules; 2: header; 3: base64url; 4: semver; 5: DER + download */
        int s = 0;
        if (i % o->full_every != 0) {
            size_t p = below(100);
            s = p < 65 ? 1 : p < 80 ? 2 : p < 88 ? 3 : p < 94 ? 4 : 5;
        }
        stage[s]++;
        size_t len;
        switch (s) {
        case 0:
            memcpy(buf, base, base_len);
            len = mutate(buf, base_len, ESP_RELEASE_MANIFEST_MAX_JWS + 64);
            /* an exact-size heap copy, so ASan sees any read past len */
            {
                char *exact = malloc(len > 0 ? len : 1);
                memcpy(exact, buf, len);
                err = esp_release_manifest_verify(&o->config, exact, len, r);
                free(exact);
            }
            if (err == ESP_RELEASE_OK || err == ESP_RELEASE_UP_TO_DATE) {
                check_accepted(&o->config, r, i);
                size_t a = 0, b = len;
                while (a < b && (buf[a] == ' ' || buf[a] == '\n' || buf[a] == '\r' || buf[a] == '\t')) a++;
                while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\n' || buf[b - 1] == '\r' || buf[b - 1] == '\t')) b--;
                if (b - a != base_len || memcmp(buf + a, base, base_len) != 0) violated("a changed JWS was accepted", i);
            }
            break;
        case 1:
            memcpy(buf, payload, payload_len);
            len = mutate(buf, payload_len, CAP);
            {
                uint8_t *exact = malloc(len > 0 ? len : 1);
                memcpy(exact, buf, len);
                err = esp_release_check_payload(&o->config, exact, len, r);
                free(exact);
            }
            if (err == ESP_RELEASE_OK || err == ESP_RELEASE_UP_TO_DATE) check_accepted(&o->config, r, i);
            break;
        case 2: {
            char kid[ESP_RELEASE_KID_LEN + 1];
            memcpy(buf, header, header_len);
            len = mutate(buf, header_len, 400);
            uint8_t *exact = malloc(len > 0 ? len : 1);
            memcpy(exact, buf, len);
            err = esp_release_check_header(exact, len, kid, r);
            free(exact);
            if (err == ESP_RELEASE_OK && strlen(kid) != ESP_RELEASE_KID_LEN) violated("kid length", i);
            break;
        }
        case 3: {
            memcpy(buf, base, base_len);
            len = mutate(buf, base_len < 200 ? base_len : 200, 400);
            char *exact = malloc(len > 0 ? len : 1);
            memcpy(exact, buf, len);
            uint8_t out[300];
            size_t out_len = 0;
            int ok = esp_release_b64url_decode(exact, len, out, below(2) ? sizeof out : below(sizeof out), &out_len);
            if (ok == 0) { /* canonical: encoding the bytes again gives the same text */
                char again[420];
                esp_release_b64url_encode(out, out_len, again);
                if (strlen(again) != len || memcmp(again, exact, len) != 0) violated("base64url round trip", i);
            }
            free(exact);
            err = ok == 0 ? ESP_RELEASE_OK : ESP_RELEASE_ERR_MALFORMED;
            break;
        }
        case 4: {
            static const char *const versions[] = {"1.2.3", "1.2.3-rc.1", "v10.0.0-alpha.beta+exp.sha.5114f85", "0.0.1-0"};
            char a[64], b[64];
            const char *va = versions[below(4)], *vb = versions[below(4)];
            size_t al = strlen(va), bl;
            memcpy(buf, va, al);
            al = mutate(buf, al, 60);
            memcpy(a, buf, al);
            a[al] = '\0';
            bl = strlen(vb);
            memcpy(buf, vb, bl);
            bl = mutate(buf, bl, 60);
            memcpy(b, buf, bl);
            b[bl] = '\0';
            int ab = 0, ba = 0, aa = 1;
            int ok = esp_release_semver_compare(a, b, &ab);
            if (ok == 0 && (esp_release_semver_compare(b, a, &ba) != 0 || ab != -ba)) violated("semver antisymmetry", i);
            if (ok == 0 && (esp_release_semver_compare(a, a, &aa) != 0 || aa != 0)) violated("semver reflexivity", i);
            err = ok == 0 ? ESP_RELEASE_OK : ESP_RELEASE_ERR_DOWNGRADE;
            break;
        }
        default: { /* random R||S to DER, and the download check with random chunks and lengths */
            uint8_t rs[64], der[72];
            for (size_t k = 0; k < 64; k++) rs[k] = below(4) == 0 ? 0 : (uint8_t)next_random();
            size_t dl_len = esp_release_rs_to_der(rs, der);
            if (dl_len < 8 || dl_len > 72 || der[0] != 0x30 || der[1] != dl_len - 2) violated("DER", i);
            esp_release_manifest_t m = accepted;
            m.size = below(3000);
            esp_release_download_t d;
            esp_release_download_init(&d, &m);
            size_t total = below(3200), sent = 0;
            err = ESP_RELEASE_OK;
            while (sent < total && err == ESP_RELEASE_OK) {
                size_t n = 1 + below(700);
                if (n > total - sent) n = total - sent;
                memset(buf, (int)(sent & 0xff), n);
                err = esp_release_download_update(&d, buf, n);
                sent += n;
            }
            esp_release_err_t fin = esp_release_download_finish(&d, r);
            if (fin == ESP_RELEASE_OK) violated("a download with another hash was accepted", i);
            if (fin == ESP_RELEASE_ERR_SHA256 && sent != m.size) violated("size", i);
            err = fin;
            break;
        }
        }
        counts[(unsigned)err < 32 ? (unsigned)err : 31]++;
    }
    double seconds = now_seconds() - start;
    printf("inputs: %llu\nseed: %llu\nseconds: %.2f\n", o->count, o->seed, seconds);
    printf("stages: jws %llu, payload %llu, header %llu, base64url %llu, semver %llu, der+download %llu\n", stage[0],
           stage[1], stage[2], stage[3], stage[4], stage[5]);
    for (int k = 0; k < 32; k++) {
        if (counts[k] != 0) printf("%s: %llu\n", esp_release_err_name((esp_release_err_t)k), counts[k]);
    }
    free(buf);
    free(r);
    free(base);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return usage("no command");
    }
    options_t o;
    int ret = parse_options(argc, argv, &o);
    if (ret == 0) {
        if (strcmp(argv[1], "verify") == 0) {
            ret = run_verify(&o);
        } else if (strcmp(argv[1], "fuzz") == 0) {
            ret = run_fuzz(&o);
        } else if (strcmp(argv[1], "bucket") == 0) {
            ret = run_bucket(&o);
        } else if (strcmp(argv[1], "resolve") == 0) {
            ret = run_resolve(&o);
        } else {
            ret = usage("unknown command");
        }
    }
    for (size_t k = 0; k < o.config.key_count; k++) {
        free(o.key_data[k]);
    }
    return ret;
}
