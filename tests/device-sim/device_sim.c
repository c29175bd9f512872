/*
 * device-sim: does on the wire what an ESP32 running esp_https_ota with cert_pem does
 * (esp-tls + mbedtls + esp_http_client), so tests can check a host the way a device would.
 *
 *   device-sim get <url> --ca <pem> [--host <name>] [--skip-cn] [--range <first>-[<last>]] [--head]
 *                        [--out <file>] [--check-dates] [--timeout-ms N] [--unbracketed-ipv6-host]
 *   device-sim verify --ca <pem> --chain <pem> (--host <name> | --skip-cn) [--check-dates]
 *
 * Built against Mbed TLS 2.28 (Debian's libmbedtls-dev), the line ESP-IDF 4.4.1+ ships.
 * Exit codes: 0 HTTP 2xx (verify: chain accepted); 1 usage error; 2 certificate verification
 * failed; 3 connection or other TLS/transfer failure; 4 HTTP status not 2xx.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define sha256_starts mbedtls_sha256_starts
#define sha256_update mbedtls_sha256_update
#define sha256_finish mbedtls_sha256_finish
#else
#define sha256_starts mbedtls_sha256_starts_ret
#define sha256_update mbedtls_sha256_update_ret
#define sha256_finish mbedtls_sha256_finish_ret
#endif

enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,
    EXIT_VERIFY = 2,
    EXIT_CONNECT = 3,
    EXIT_HTTP = 4,
};

#define TAG_TLS "esp-tls-mbedtls"
#define DATE_FLAGS (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE | \
                    MBEDTLS_X509_BADCRL_EXPIRED | MBEDTLS_X509_BADCRL_FUTURE)

struct options {
    const char *url;
    const char *ca;
    const char *chain;
    const char *host;
    const char *out;
    const char *range;
    int skip_cn;
    int head;
    int check_dates;
    int unbracketed_ipv6_host;
    long timeout_ms;
};

static void usage(void)
{
    fprintf(stderr,
            "usage: device-sim get <https-url> --ca <pem-file> [--host <name>] [--skip-cn]\n"
            "                      [--range <first>-[<last>]] [--head] [--out <file>] [--check-dates]\n"
            "                      [--timeout-ms N] [--unbracketed-ipv6-host]\n"
            "       device-sim verify --ca <pem-file> --chain <pem-file> (--host <name> | --skip-cn)\n"
            "                      [--check-dates]\n");
}

/* ---------------------------------------------------------------- common helpers */

/* Reads a whole file and appends a NUL (mbedtls_x509_crt_parse wants PEM NUL-terminated and
 * counted with the NUL, which is also what esp_http_client passes for cert_pem). */
static unsigned char *read_file(const char *path, size_t *len_with_nul)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "device-sim: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        if (len + 1 >= cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (buf == NULL || failed) {
        fprintf(stderr, "device-sim: cannot read %s\n", path);
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    *len_with_nul = len + 1;
    return buf;
}

/* Parses the trusted list like esp-tls's set_ca_cert: an error fails, a partial parse warns.
 * Returns EXIT_OK, EXIT_USAGE (file unreadable) or EXIT_CONNECT (esp-tls would fail). */
static int load_ca(mbedtls_x509_crt *ca, const char *path)
{
    size_t len = 0;
    unsigned char *buf = read_file(path, &len);
    if (buf == NULL) {
        return EXIT_USAGE;
    }
    int ret = mbedtls_x509_crt_parse(ca, buf, len);
    free(buf);
    if (ret < 0) {
        printf("E (%s): mbedtls_x509_crt_parse returned -0x%x\n", TAG_TLS, (unsigned int)-ret);
        printf("error: ca-parse\n");
        return EXIT_CONNECT;
    }
    if (ret > 0) {
        printf("W (%s): mbedtls_x509_crt_parse was partly successful. No. of failed certificates: %d\n",
               TAG_TLS, ret);
    }
    return EXIT_OK;
}

/* ESP-IDF builds mbedtls with CONFIG_MBEDTLS_HAVE_TIME_DATE=n by default, so validity dates are
 * never compared on a device. The host library compares them; this callback takes them back out. */
static int date_mask_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void)crt;
    (void)depth;
    const int *check_dates = ctx;
    if (!*check_dates) {
        *flags &= ~(uint32_t)DATE_FLAGS;
    }
    return 0;
}

static void print_verify_failure(uint32_t flags)
{
    char info[2048];
    printf("I (%s): Failed to verify peer certificate!\n", TAG_TLS);
    int n = mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
    if (n > 0) {
        char *save = NULL;
        for (char *line = strtok_r(info, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
            printf("I (%s): verification info: %s\n", TAG_TLS, line);
        }
    }
    printf("flags: 0x%08x\n", (unsigned int)flags);
}

static int parse_long(const char *s, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0) {
        return -1;
    }
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- URL */

struct url {
    char host[256];    /* without brackets */
    char port[8];
    int port_num;
    int ipv6_literal;
    char *path;        /* path + "?" + query, at least "/" */
};

static int parse_url(const char *text, struct url *u)
{
    memset(u, 0, sizeof *u);
    const char *p = text;
    if (strncasecmp(p, "https://", 8) != 0) {
        fprintf(stderr, "device-sim: only https:// URLs are supported: %s\n", text);
        return -1;
    }
    p += 8;
    const char *host_start, *host_end;
    if (*p == '[') {
        host_start = p + 1;
        host_end = strchr(host_start, ']');
        if (host_end == NULL) {
            fprintf(stderr, "device-sim: unterminated IPv6 literal in %s\n", text);
            return -1;
        }
        p = host_end + 1;
        u->ipv6_literal = 1;
    } else {
        host_start = p;
        while (*p != '\0' && *p != ':' && *p != '/' && *p != '?' && *p != '#') {
            p++;
        }
        host_end = p;
    }
    size_t host_len = (size_t)(host_end - host_start);
    if (host_len == 0 || host_len >= sizeof u->host) {
        fprintf(stderr, "device-sim: bad host in %s\n", text);
        return -1;
    }
    memcpy(u->host, host_start, host_len);
    u->port_num = 443;
    if (*p == ':') {
        p++;
        long port = 0;
        const char *digits = p;
        while (*p >= '0' && *p <= '9') {
            port = port * 10 + (*p - '0');
            if (port > 65535) {
                break;
            }
            p++;
        }
        if (p == digits || port < 1 || port > 65535) {
            fprintf(stderr, "device-sim: bad port in %s\n", text);
            return -1;
        }
        u->port_num = (int)port;
    }
    snprintf(u->port, sizeof u->port, "%d", u->port_num);
    if (*p != '\0' && *p != '/' && *p != '?' && *p != '#') {
        fprintf(stderr, "device-sim: bad URL %s\n", text);
        return -1;
    }
    const char *path_end = strchr(p, '#');
    size_t path_len = path_end != NULL ? (size_t)(path_end - p) : strlen(p);
    u->path = malloc(path_len + 2);
    if (u->path == NULL) {
        return -1;
    }
    if (path_len == 0 || p[0] == '?') {
        u->path[0] = '/';
        memcpy(u->path + 1, p, path_len);
        u->path[path_len + 1] = '\0';
    } else {
        memcpy(u->path, p, path_len);
        u->path[path_len] = '\0';
    }
    return 0;
}

/* ---------------------------------------------------------------- connect with a time limit */

static volatile sig_atomic_t g_alarm_fired = 0;

static void on_alarm(int sig)
{
    (void)sig;
    g_alarm_fired = 1;
}

static void set_timer(long first_ms, long every_ms)
{
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = first_ms / 1000;
    t.it_value.tv_usec = (first_ms % 1000) * 1000;
    t.it_interval.tv_sec = every_ms / 1000;
    t.it_interval.tv_usec = (every_ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &t, NULL);
}

/* mbedtls_net_connect blocks in connect(); SIGALRM without SA_RESTART interrupts it, the way
 * esp-tls's select() on a non-blocking connect gives up after its timeout. */
static int connect_with_timeout(mbedtls_net_context *fd, const struct url *u, long timeout_ms, int *err)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGALRM, &sa, &old);
    g_alarm_fired = 0;
    set_timer(timeout_ms > 0 ? timeout_ms : 1, 50);
    errno = 0;
    int ret = mbedtls_net_connect(fd, u->host, u->port, MBEDTLS_NET_PROTO_TCP);
    *err = errno;
    set_timer(0, 0);
    sigaction(SIGALRM, &old, NULL);
    return ret;
}

/* ---------------------------------------------------------------- buffered TLS reader */

struct reader {
    mbedtls_ssl_context *ssl;
    unsigned char buf[16384];
    size_t start, end;
    int eof;
    int err; /* mbedtls error code, 0 if none */
};

static int reader_fill(struct reader *r)
{
    if (r->eof || r->err != 0) {
        return -1;
    }
    if (r->start == r->end) {
        r->start = r->end = 0;
    }
    for (;;) {
        int ret = mbedtls_ssl_read(r->ssl, r->buf + r->end, sizeof r->buf - r->end);
        if (ret > 0) {
            r->end += (size_t)ret;
            return 0;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        /* A close_notify, or (leniently) the TCP connection simply ending. */
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
            r->eof = 1;
        } else {
            r->err = ret;
        }
        return -1;
    }
}

/* One line without its CR LF; returns its length or -1 (EOF/error/too long). */
static int reader_line(struct reader *r, char *line, size_t size)
{
    size_t n = 0;
    for (;;) {
        while (r->start < r->end) {
            char c = (char)r->buf[r->start++];
            if (c == '\n') {
                if (n > 0 && line[n - 1] == '\r') {
                    n--;
                }
                line[n] = '\0';
                return (int)n;
            }
            if (n + 1 >= size) {
                return -1;
            }
            line[n++] = c;
        }
        if (r->start == r->end) {
            r->start = r->end = 0;
        }
        if (reader_fill(r) != 0) {
            return -1;
        }
    }
}

struct body {
    mbedtls_sha256_context sha;
    FILE *out;
    unsigned long long received;
    int first_byte;
    int write_failed;
};

static void body_add(struct body *b, const unsigned char *data, size_t len)
{
    if (len == 0) {
        return;
    }
    if (b->received == 0) {
        b->first_byte = data[0];
    }
    b->received += len;
    sha256_update(&b->sha, data, len);
    if (b->out != NULL && fwrite(data, 1, len, b->out) != len) {
        b->write_failed = 1;
    }
}

/* Reads up to `want` body bytes (or until EOF when want < 0); returns 0 when all were read. */
static int reader_body(struct reader *r, struct body *b, long long want)
{
    for (;;) {
        if (want == 0) {
            return 0;
        }
        if (r->start == r->end && reader_fill(r) != 0) {
            return want < 0 && r->err == 0 ? 0 : -1;
        }
        size_t avail = r->end - r->start;
        size_t take = want >= 0 && (unsigned long long)want < avail ? (size_t)want : avail;
        body_add(b, r->buf + r->start, take);
        r->start += take;
        if (want > 0) {
            want -= (long long)take;
        }
    }
}

/* ---------------------------------------------------------------- HTTP */

struct response {
    int status;
    char content_length[64];
    char content_range[128];
    char content_encoding[128];
    char content_type[128];
    char transfer_encoding[128];
};

static void trim_copy(char *dst, size_t size, const char *src)
{
    while (*src == ' ' || *src == '\t') {
        src++;
    }
    size_t n = strlen(src);
    while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t')) {
        n--;
    }
    if (n >= size) {
        n = size - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int contains_token_ci(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; *p != '\0'; p++) {
        if (strncasecmp(p, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int write_all(mbedtls_ssl_context *ssl, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        int ret = mbedtls_ssl_write(ssl, (const unsigned char *)data + done, len - done);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret <= 0) {
            return ret;
        }
        done += (size_t)ret;
    }
    return 0;
}

static void print_or_none(const char *name, const char *value)
{
    printf("%s: %s\n", name, value[0] != '\0' ? value : "none");
}

static int read_headers(struct reader *r, struct response *resp)
{
    char line[8192];
    for (;;) {
        memset(resp, 0, sizeof *resp);
        if (reader_line(r, line, sizeof line) < 0) {
            return -1;
        }
        int major = 0, minor = 0, status = 0;
        if (sscanf(line, "HTTP/%d.%d %d", &major, &minor, &status) != 3 || status < 100 || status > 999) {
            fprintf(stderr, "device-sim: bad status line: %s\n", line);
            return -2;
        }
        resp->status = status;
        for (;;) {
            int n = reader_line(r, line, sizeof line);
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                break;
            }
            char *colon = strchr(line, ':');
            if (colon == NULL) {
                continue;
            }
            *colon = '\0';
            const char *value = colon + 1;
            if (strcasecmp(line, "Content-Length") == 0 && resp->content_length[0] == '\0') {
                trim_copy(resp->content_length, sizeof resp->content_length, value);
            } else if (strcasecmp(line, "Content-Range") == 0 && resp->content_range[0] == '\0') {
                trim_copy(resp->content_range, sizeof resp->content_range, value);
            } else if (strcasecmp(line, "Content-Encoding") == 0 && resp->content_encoding[0] == '\0') {
                trim_copy(resp->content_encoding, sizeof resp->content_encoding, value);
            } else if (strcasecmp(line, "Content-Type") == 0 && resp->content_type[0] == '\0') {
                trim_copy(resp->content_type, sizeof resp->content_type, value);
            } else if (strcasecmp(line, "Transfer-Encoding") == 0 && resp->transfer_encoding[0] == '\0') {
                trim_copy(resp->transfer_encoding, sizeof resp->transfer_encoding, value);
            }
        }
        if (status >= 200 || status == 101) {
            return 0;
        }
        /* 1xx interim response: the real one follows. */
    }
}

static int read_chunked(struct reader *r, struct body *b)
{
    char line[1024];
    for (;;) {
        if (reader_line(r, line, sizeof line) < 0) {
            return -1;
        }
        char *end = NULL;
        errno = 0;
        unsigned long long size = strtoull(line, &end, 16);
        if (end == line || errno != 0 || size > (unsigned long long)INT64_MAX) {
            return -1;
        }
        if (size == 0) {
            /* trailers, then the empty line */
            for (;;) {
                int n = reader_line(r, line, sizeof line);
                if (n < 0) {
                    return -1;
                }
                if (n == 0) {
                    return 0;
                }
            }
        }
        if (reader_body(r, b, (long long)size) != 0) {
            return -1;
        }
        if (reader_line(r, line, sizeof line) != 0) {
            return -1;
        }
    }
}

/* ---------------------------------------------------------------- get */

static int cmd_get(const struct options *o)
{
    struct url u;
    if (parse_url(o->url, &u) != 0) {
        return EXIT_USAGE;
    }
    if (o->range != NULL) {
        const char *p = o->range;
        size_t digits = strspn(p, "0123456789");
        if (digits == 0 || p[digits] != '-' || strspn(p + digits + 1, "0123456789") != strlen(p + digits + 1)) {
            fprintf(stderr, "device-sim: --range wants <first>-<last> or <first>-: %s\n", o->range);
            free(u.path);
            return EXIT_USAGE;
        }
    }

    int rc = EXIT_CONNECT;
    int check_dates = o->check_dates;
    mbedtls_net_context fd;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    struct body body;
    mbedtls_net_init(&fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&ca);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    memset(&body, 0, sizeof body);
    mbedtls_sha256_init(&body.sha);
    char *request = NULL;
    int ret;

    rc = load_ca(&ca, o->ca);
    if (rc != EXIT_OK) {
        goto done;
    }
    rc = EXIT_CONNECT;
    static const char pers[] = "device-sim";
    if ((ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)pers,
                                     sizeof pers - 1)) != 0) {
        printf("E (%s): mbedtls_ctr_drbg_seed returned -0x%x\n", TAG_TLS, (unsigned int)-ret);
        goto done;
    }

    int connect_errno = 0;
    ret = connect_with_timeout(&fd, &u, o->timeout_ms, &connect_errno);
    if (ret != 0) {
        if (ret == MBEDTLS_ERR_NET_UNKNOWN_HOST) {
            printf("E (esp-tls): couldn't get hostname for :%s:\n", u.host);
            printf("error: unknown-host\n");
        } else if (g_alarm_fired) {
            printf("E (esp-tls): select() timeout\n");
            printf("error: connect-timeout\n");
        } else {
            printf("E (esp-tls): Failed to connect to host (errno %d)\n", connect_errno);
            printf("errno: %d\n", connect_errno);
            printf("error: connect\n");
        }
        goto done;
    }

    if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        printf("E (%s): mbedtls_ssl_config_defaults returned -0x%x\n", TAG_TLS, (unsigned int)-ret);
        goto done;
    }
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
    mbedtls_ssl_conf_verify(&conf, date_mask_cb, &check_dates);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_read_timeout(&conf, (uint32_t)o->timeout_ms);
    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        printf("E (%s): mbedtls_ssl_setup returned -0x%x\n", TAG_TLS, (unsigned int)-ret);
        goto done;
    }
    /* esp-tls: common_name if given, else the URL host; NULL with skip_common_name. */
    const char *cn = o->skip_cn ? NULL : (o->host != NULL ? o->host : u.host);
    if ((ret = mbedtls_ssl_set_hostname(&ssl, cn)) != 0) {
        printf("E (%s): mbedtls_ssl_set_hostname returned -0x%x\n", TAG_TLS, (unsigned int)-ret);
        goto done;
    }
    mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);

    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        printf("E (%s): mbedtls_ssl_handshake returned -0x%x\n", TAG_TLS, (unsigned int)-ret);
        uint32_t flags = mbedtls_ssl_get_verify_result(&ssl);
        if (flags != 0 && flags != UINT32_MAX) {
            print_verify_failure(flags);
            printf("error: verify\n");
            rc = EXIT_VERIFY;
        } else if (ret == MBEDTLS_ERR_SSL_TIMEOUT) {
            printf("error: timeout\n");
        } else {
            printf("error: handshake\n");
        }
        goto done;
    }

    /* The request exactly as esp_http_client writes it (Host without :port for 80 and 443). */
    char host_header[300];
    const char *open = u.ipv6_literal && !o->unbracketed_ipv6_host ? "[" : "";
    const char *close = u.ipv6_literal && !o->unbracketed_ipv6_host ? "]" : "";
    if (u.port_num == 443 || u.port_num == 80) {
        snprintf(host_header, sizeof host_header, "%s%s%s", open, u.host, close);
    } else {
        snprintf(host_header, sizeof host_header, "%s%s%s:%d", open, u.host, close, u.port_num);
    }
    size_t request_size = strlen(u.path) + strlen(host_header) + (o->range ? strlen(o->range) : 0) + 128;
    request = malloc(request_size);
    if (request == NULL) {
        goto done;
    }
    int request_len = snprintf(request, request_size,
                               "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ESP32 HTTP Client/1.0\r\n%s%s%s\r\n",
                               o->head ? "HEAD" : "GET", u.path, host_header,
                               o->range ? "Range: bytes=" : "", o->range ? o->range : "", o->range ? "\r\n" : "");
    if ((ret = write_all(&ssl, request, (size_t)request_len)) != 0) {
        printf("E (%s): write error, errno=%d (mbedtls -0x%x)\n", TAG_TLS, errno, (unsigned int)-ret);
        printf("error: write\n");
        goto done;
    }

    static struct reader r;
    memset(&r, 0, sizeof r);
    r.ssl = &ssl;
    struct response resp;
    ret = read_headers(&r, &resp);
    if (ret != 0) {
        if (r.err == MBEDTLS_ERR_SSL_TIMEOUT) {
            printf("W (HTTP_CLIENT): Connection timed out before data was ready!\n");
            printf("error: timeout\n");
        } else if (r.err != 0) {
            printf("E (%s): read error -0x%x\n", TAG_TLS, (unsigned int)-r.err);
            printf("error: read\n");
        } else {
            printf("error: bad-response\n");
        }
        goto done;
    }

    if (o->out != NULL) {
        body.out = fopen(o->out, "wb");
        if (body.out == NULL) {
            fprintf(stderr, "device-sim: cannot write %s: %s\n", o->out, strerror(errno));
            rc = EXIT_USAGE;
            goto done;
        }
    }
    sha256_starts(&body.sha, 0);

    int body_ok = 0;
    long long expected = -1;
    if (o->head || resp.status == 204 || resp.status == 304) {
        body_ok = 1;
    } else if (contains_token_ci(resp.transfer_encoding, "chunked")) {
        body_ok = read_chunked(&r, &body) == 0;
    } else if (resp.content_length[0] != '\0') {
        char *end = NULL;
        errno = 0;
        long long n = strtoll(resp.content_length, &end, 10);
        if (errno == 0 && end != resp.content_length && *end == '\0' && n >= 0) {
            expected = n;
            body_ok = reader_body(&r, &body, n) == 0;
        } else {
            body_ok = reader_body(&r, &body, -1) == 0;
        }
    } else {
        body_ok = reader_body(&r, &body, -1) == 0;
    }

    unsigned char digest[32];
    sha256_finish(&body.sha, digest);
    printf("status: %d\n", resp.status);
    print_or_none("content-length", resp.content_length);
    print_or_none("content-range", resp.content_range);
    print_or_none("content-encoding", resp.content_encoding);
    print_or_none("content-type", resp.content_type);
    print_or_none("transfer-encoding", resp.transfer_encoding);
    printf("received: %llu\n", body.received);
    printf("sha256: ");
    for (size_t i = 0; i < sizeof digest; i++) {
        printf("%02x", digest[i]);
    }
    printf("\n");
    if (body.received > 0) {
        printf("first-byte: 0x%02x\n", body.first_byte);
    }

    if (!body_ok) {
        if (r.err == MBEDTLS_ERR_SSL_TIMEOUT) {
            printf("W (HTTP_CLIENT): Connection timed out before data was ready!\n");
        }
        if (expected >= 0) {
            printf("error: incomplete body (%llu of %lld bytes)\n", body.received, expected);
        } else {
            printf("error: incomplete body\n");
        }
        rc = EXIT_CONNECT;
    } else if (body.write_failed) {
        fprintf(stderr, "device-sim: writing %s failed\n", o->out);
        rc = EXIT_USAGE;
    } else {
        rc = resp.status >= 200 && resp.status <= 299 ? EXIT_OK : EXIT_HTTP;
    }
    mbedtls_ssl_close_notify(&ssl);

done:
    if (body.out != NULL) {
        fclose(body.out);
    }
    free(request);
    free(u.path);
    mbedtls_sha256_free(&body.sha);
    mbedtls_net_free(&fd);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    return rc;
}

/* ---------------------------------------------------------------- verify (offline) */

static int cmd_verify(const struct options *o)
{
    int rc;
    int check_dates = o->check_dates;
    mbedtls_x509_crt ca, chain;
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&chain);

    rc = load_ca(&ca, o->ca);
    if (rc != EXIT_OK) {
        goto done;
    }
    size_t len = 0;
    unsigned char *buf = read_file(o->chain, &len);
    if (buf == NULL) {
        rc = EXIT_USAGE;
        goto done;
    }
    int ret = mbedtls_x509_crt_parse(&chain, buf, len);
    free(buf);
    if (ret != 0) {
        fprintf(stderr, "device-sim: the chain file %s does not parse (%s-0x%x)\n", o->chain,
                ret > 0 ? "failed certificates: " : "", ret > 0 ? (unsigned int)ret : (unsigned int)-ret);
        rc = EXIT_USAGE;
        goto done;
    }

    /* As ssl_parse_certificate_verify: the chain against the trusted list with the default
     * profile and the hostname (NULL with skip_common_name), then mbedtls_ssl_check_cert_usage for
     * a server certificate under an ECDHE suite. */
    uint32_t flags = 0;
    const char *cn = o->skip_cn ? NULL : o->host;
    mbedtls_x509_crt_verify_with_profile(&chain, &ca, NULL, &mbedtls_x509_crt_profile_default, cn, &flags,
                                         date_mask_cb, &check_dates);
    if (mbedtls_x509_crt_check_key_usage(&chain, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0) {
        flags |= MBEDTLS_X509_BADCERT_KEY_USAGE;
    }
    if (mbedtls_x509_crt_check_extended_key_usage(&chain, MBEDTLS_OID_SERVER_AUTH,
                                                  MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)) != 0) {
        flags |= MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
    }
    if (flags != 0) {
        print_verify_failure(flags);
        rc = EXIT_VERIFY;
    } else {
        printf("flags: 0x%08x\n", 0u);
        rc = EXIT_OK;
    }

done:
    mbedtls_x509_crt_free(&ca);
    mbedtls_x509_crt_free(&chain);
    return rc;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *command = argv[1];
    int is_get = strcmp(command, "get") == 0;
    if (!is_get && strcmp(command, "verify") != 0) {
        fprintf(stderr, "device-sim: unknown command '%s'\n", command);
        usage();
        return EXIT_USAGE;
    }

    struct options o;
    memset(&o, 0, sizeof o);
    o.timeout_ms = 5000; /* esp_http_client's default timeout_ms */
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDS_VALUE()                                                           \
    do {                                                                        \
        if (next == NULL) {                                                     \
            fprintf(stderr, "device-sim: %s needs a value\n", a);               \
            return EXIT_USAGE;                                                  \
        }                                                                       \
        i++;                                                                    \
    } while (0)
        if (strcmp(a, "--ca") == 0) {
            NEEDS_VALUE();
            o.ca = next;
        } else if (strcmp(a, "--host") == 0) {
            NEEDS_VALUE();
            o.host = next;
        } else if (strcmp(a, "--skip-cn") == 0) {
            o.skip_cn = 1;
        } else if (strcmp(a, "--check-dates") == 0) {
            o.check_dates = 1;
        } else if (is_get && strcmp(a, "--range") == 0) {
            NEEDS_VALUE();
            o.range = next;
        } else if (is_get && strcmp(a, "--head") == 0) {
            o.head = 1;
        } else if (is_get && strcmp(a, "--out") == 0) {
            NEEDS_VALUE();
            o.out = next;
        } else if (is_get && strcmp(a, "--unbracketed-ipv6-host") == 0) {
            o.unbracketed_ipv6_host = 1;
        } else if (is_get && strcmp(a, "--timeout-ms") == 0) {
            NEEDS_VALUE();
            if (parse_long(next, &o.timeout_ms) != 0 || o.timeout_ms < 1 || o.timeout_ms > 3600000) {
                fprintf(stderr, "device-sim: bad --timeout-ms %s\n", next);
                return EXIT_USAGE;
            }
        } else if (!is_get && strcmp(a, "--chain") == 0) {
            NEEDS_VALUE();
            o.chain = next;
        } else if (is_get && a[0] != '-' && o.url == NULL) {
            o.url = a;
        } else {
            fprintf(stderr, "device-sim: unexpected argument '%s'\n", a);
            usage();
            return EXIT_USAGE;
        }
#undef NEEDS_VALUE
    }

    if (o.ca == NULL || (is_get && o.url == NULL) || (!is_get && o.chain == NULL) ||
        (!is_get && o.host == NULL && !o.skip_cn)) {
        usage();
        return EXIT_USAGE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int rc = is_get ? cmd_get(&o) : cmd_verify(&o);
    fflush(stdout);
    return rc;
}
