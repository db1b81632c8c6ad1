/* serve/serve.c — the HTTP side of fenpei serve: libmicrohttpd, routes, uploads, limits, log. */
#define _GNU_SOURCE /* memmem is not needed; struct sockaddr_in6 and pthread_sigmask are */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "serve/serve.h"

#ifndef FENPEI_MHD_SONAME
#define FENPEI_MHD_SONAME "libmicrohttpd.so.12"
#endif

/* libmicrohttpd (with GnuTLS and its own dependencies: 10 ms and 3 MB at every start of the
 * program) is opened with dlopen when the server starts, not linked; its header types every
 * function taken from it. */
static struct {
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_create_post_processor) *create_post_processor;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_create_response_from_buffer_with_free_callback)
        *create_response_from_buffer_with_free_callback;
    __typeof__(MHD_destroy_post_processor) *destroy_post_processor;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_post_process) *post_process;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
} M;
static char M_why[256]; /* why it cannot be used */

/* A function of the opened library into *FN (a function pointer, assigned through its bytes as
 * POSIX's dlsym is meant to be used); 0, or -1 when it is missing. */
static int sym(void *lib, const char *name, void *fn)
{
    void *p = dlsym(lib, name);
    if (!p) {
        snprintf(M_why, sizeof M_why, "%s is missing from %s", name, FENPEI_MHD_SONAME);
        return -1;
    }
    memcpy(fn, &p, sizeof p);
    return 0;
}

/* Open libmicrohttpd (once: the server starts once); 0, or -1 with M_why set. */
static int load_mhd(void)
{
    void *lib = dlopen(FENPEI_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(M_why, sizeof M_why, "%s", e ? e : FENPEI_MHD_SONAME " cannot be opened");
        return -1;
    }
    return sym(lib, "MHD_add_response_header", &M.add_response_header) ||
        sym(lib, "MHD_create_post_processor", &M.create_post_processor) ||
        sym(lib, "MHD_create_response_from_buffer", &M.create_response_from_buffer) ||
        sym(lib, "MHD_create_response_from_buffer_with_free_callback",
            &M.create_response_from_buffer_with_free_callback) ||
        sym(lib, "MHD_destroy_post_processor", &M.destroy_post_processor) ||
        sym(lib, "MHD_destroy_response", &M.destroy_response) ||
        sym(lib, "MHD_get_daemon_info", &M.get_daemon_info) ||
        sym(lib, "MHD_lookup_connection_value", &M.lookup_connection_value) ||
        sym(lib, "MHD_post_process", &M.post_process) ||
        sym(lib, "MHD_queue_response", &M.queue_response) ||
        sym(lib, "MHD_start_daemon", &M.start_daemon) ||
        sym(lib, "MHD_stop_daemon", &M.stop_daemon) ? -1 : 0;
}

#define MAX_FIELDS 1024

/* Sent on every response: the page loads only its own files; nothing is sniffed or cached. */
static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                          "form-action 'self'; frame-ancestors 'none'";

/* One request from its first header to its completion: nothing here is shared. */
typedef struct request {
    struct timespec start;
    char method[16];
    char path[160];
    unsigned status;
    size_t bytes;
    const serve_config *cfg;
    struct MHD_PostProcessor *pp;
    serve_form form;
    size_t received;
    int form_bad; /* the body could not be parsed as a form */
    int answered; /* a response was queued */
    const serve_asset *asset; /* a GET of one of the page's files */
    int too_large; /* the body went over the limit: the rest is dropped, the answer is 413 */
} request;

const serve_field *serve_form_get(const serve_form *form, const char *name)
{
    for (size_t i = 0; i < form->count; i++)
        if (strcmp(form->fields[i].name, name) == 0)
            return &form->fields[i];
    return NULL;
}

static void form_free(serve_form *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->fields[i].name);
        free(f->fields[i].filename);
        free(f->fields[i].data);
    }
    free(f->fields);
    memset(f, 0, sizeof *f);
}

/* libmicrohttpd hands a field's value in pieces (OFF > 0 continues the last field). */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    (void)kind, (void)content_type, (void)transfer_encoding;
    request *rq = cls;
    serve_form *f = &rq->form;
    serve_field *x = NULL;
    if (off > 0 && f->count && strcmp(f->fields[f->count - 1].name, key) == 0)
        x = &f->fields[f->count - 1];
    if (!x) {
        if (f->count == MAX_FIELDS) {
            rq->form_bad = 1;
            return MHD_NO;
        }
        if (f->count == f->cap) {
            size_t cap = f->cap ? 2 * f->cap : 8;
            serve_field *n = realloc(f->fields, cap * sizeof *n);
            if (!n)
                return MHD_NO;
            f->fields = n;
            f->cap = cap;
        }
        x = &f->fields[f->count];
        memset(x, 0, sizeof *x);
        x->name = strdup(key);
        x->filename = filename ? strdup(filename) : NULL;
        x->data = malloc(1);
        if (!x->name || !x->data || (filename && !x->filename)) {
            free(x->name), free(x->filename), free(x->data);
            return MHD_NO;
        }
        x->data[0] = '\0';
        f->count++;
    }
    if (size) {
        char *n = realloc(x->data, x->len + size + 1);
        if (!n)
            return MHD_NO;
        memcpy(n + x->len, data, size);
        x->len += size;
        n[x->len] = '\0';
        x->data = n;
    }
    return MHD_YES;
}

static void add_common_headers(struct MHD_Response *r)
{
    M.add_response_header(r, "Content-Security-Policy", csp);
    M.add_response_header(r, "X-Content-Type-Options", "nosniff");
    M.add_response_header(r, "Referrer-Policy", "no-referrer");
    M.add_response_header(r, "X-Frame-Options", "DENY");
    M.add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_reply(struct MHD_Connection *con, request *rq, serve_reply *rep,
                                  const char *allow)
{
    struct MHD_Response *r = M.create_response_from_buffer_with_free_callback(
        rep->len, rep->body, free);
    if (!r) {
        free(rep->body);
        return MHD_NO;
    }
    rep->body = NULL;
    add_common_headers(r);
    M.add_response_header(r, "Content-Type", rep->type);
    if (rep->filename[0]) {
        char cd[192];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", rep->filename);
        M.add_response_header(r, "Content-Disposition", cd);
    }
    if (allow)
        M.add_response_header(r, "Allow", allow);
    rq->status = rep->status;
    rq->bytes = rep->len;
    rq->answered = 1;
    enum MHD_Result ok = M.queue_response(con, rep->status, r);
    M.destroy_response(r);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *con, request *rq, unsigned status,
                                  const char *zh, const char *en, int lang_en, const char *allow)
{
    serve_reply rep = {0};
    api_error(&rep, status, zh, en, lang_en);
    return send_reply(con, rq, &rep, allow);
}

static enum MHD_Result send_asset(struct MHD_Connection *con, request *rq, const serve_asset *a)
{
    struct MHD_Response *r =
        M.create_response_from_buffer(a->len, (void *)(uintptr_t)a->data, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    add_common_headers(r);
    M.add_response_header(r, "Content-Type", a->type);
    rq->status = MHD_HTTP_OK;
    rq->bytes = a->len;
    rq->answered = 1;
    enum MHD_Result ok = M.queue_response(con, MHD_HTTP_OK, r);
    M.destroy_response(r);
    return ok;
}

static const char *query(struct MHD_Connection *con, const char *key)
{
    return M.lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, key);
}

static int wants_english(struct MHD_Connection *con, const request *rq)
{
    const char *q = query(con, "lang");
    const serve_field *f = serve_form_get(&rq->form, "lang");
    return (q && strcmp(q, "en") == 0) || (f && strcmp(f->data, "en") == 0);
}

typedef enum route {
    ROUTE_NONE, ROUTE_ASSET, ROUTE_CHECK, ROUTE_REALLOC, ROUTE_NOTICE, ROUTE_ALLOCATE, ROUTE_COMPARE
} route;

static route find_route(const char *url, const serve_asset **asset)
{
    for (size_t i = 0; i < serve_asset_count; i++)
        if (strcmp(url, serve_assets[i].path) == 0) {
            *asset = &serve_assets[i];
            return ROUTE_ASSET;
        }
    if (strcmp(url, "/index.html") == 0) {
        *asset = &serve_assets[0];
        return ROUTE_ASSET;
    }
    if (strcmp(url, "/api/check") == 0)
        return ROUTE_CHECK;
    if (strcmp(url, "/api/realloc") == 0)
        return ROUTE_REALLOC;
    if (strcmp(url, "/api/notice") == 0)
        return ROUTE_NOTICE;
    if (strcmp(url, "/api/allocate") == 0)
        return ROUTE_ALLOCATE;
    if (strcmp(url, "/api/compare") == 0)
        return ROUTE_COMPARE;
    return ROUTE_NONE;
}

static void size_text(size_t n, char *buf, size_t cap)
{
    if (n % (1024 * 1024) == 0)
        snprintf(buf, cap, "%zu MB", n / (1024 * 1024));
    else if (n % 1024 == 0)
        snprintf(buf, cap, "%zu KB", n / 1024);
    else
        snprintf(buf, cap, "%zu B", n);
}

static enum MHD_Result too_large(struct MHD_Connection *con, request *rq)
{
    char lim[32], zh[160], en[160];
    size_text(rq->cfg->max_upload, lim, sizeof lim);
    snprintf(zh, sizeof zh, "上传的文件太大：本服务最多接受 %s。", lim);
    snprintf(en, sizeof en, "the upload is too large: this server accepts at most %s.", lim);
    return send_error(con, rq, MHD_HTTP_CONTENT_TOO_LARGE, zh, en, wants_english(con, rq), NULL);
}

static double elapsed_ms(const request *rq)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - rq->start.tv_sec) * 1e3 +
           (double)(now.tv_nsec - rq->start.tv_nsec) / 1e6;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    const serve_config *cfg = cls;
    request *rq = *con_cls;
    if (!rq) { /* the headers are in: route, and refuse early what will not be served */
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        rq->cfg = cfg;
        rq->form.max_rows = cfg->max_rows;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->path, sizeof rq->path, "%s", url);
        /* the log gets one line per request, whatever the (decoded) path holds */
        for (char *p = rq->path; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == ' ')
                *p = '?';
        const serve_asset *asset = NULL;
        route rt = find_route(url, &asset);
        int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
                  strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
        int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
        int lang_en = wants_english(con, rq);
        if (rt == ROUTE_NONE)
            return send_error(con, rq, MHD_HTTP_NOT_FOUND, "没有这个页面。", "no such page.",
                              lang_en, NULL);
        if (rt == ROUTE_ASSET && get) { /* answered on the next call, so the connection stays
                                            open for the page's next file */
            rq->asset = asset;
            return MHD_YES;
        }
        if (rt == ROUTE_ASSET)
            return send_error(con, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
                              "这个地址只能用 GET 打开。", "only GET is allowed here.", lang_en,
                              "GET, HEAD");
        if (!post)
            return send_error(con, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
                              "这个接口只接受 POST 上传的表格。",
                              "this endpoint accepts only POST.", lang_en, "POST");
        const char *cl = M.lookup_connection_value(con, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > cfg->max_upload)
                return too_large(con, rq);
        }
        rq->pp = M.create_post_processor(con, 64 * 1024, on_field, rq);
        if (!rq->pp)
            return send_error(con, rq, MHD_HTTP_BAD_REQUEST,
                              "请以 multipart/form-data 表单上传（字段 file 为表格）。",
                              "send a multipart/form-data form (the table in field file).",
                              lang_en, NULL);
        return MHD_YES;
    }
    if (rq->asset) {
        *upload_data_size = 0; /* a body sent with a GET is ignored */
        return send_asset(con, rq, rq->asset);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        rq->received += n;
        /* An upload of unannounced length (chunked) over the limit is read and dropped, and
         * answered 413 at its end (this libmicrohttpd cannot answer before the body is in);
         * one that goes on far past the limit, or for longer than the request time limit,
         * is cut off. */
        if (rq->received > cfg->max_upload + cfg->max_upload / 2 + 1024 * 1024 ||
            elapsed_ms(rq) > 1000.0 * cfg->request_limit)
            return MHD_NO;
        if (rq->received > cfg->max_upload) {
            form_free(&rq->form);
            rq->too_large = 1;
        }
        if (!rq->too_large && !rq->form_bad && M.post_process(rq->pp, upload_data, n) != MHD_YES)
            rq->form_bad = 1;
        return MHD_YES;
    }
    if (rq->too_large)
        return too_large(con, rq);
    /* the whole body is in */
    if (M.destroy_post_processor(rq->pp) != MHD_YES)
        rq->form_bad = 1;
    rq->pp = NULL;
    int lang_en = wants_english(con, rq);
    if (rq->form_bad)
        return send_error(con, rq, MHD_HTTP_BAD_REQUEST,
                          "上传的表单无法读取（不完整或字段太多）。",
                          "the form could not be read (incomplete, or too many fields).",
                          lang_en, NULL);
    const char *fmt = query(con, "format");
    serve_format format = SERVE_JSON;
    if (fmt && strcmp(fmt, "xlsx") == 0)
        format = SERVE_XLSX;
    else if (fmt && strcmp(fmt, "csv") == 0)
        format = SERVE_CSV;
    else if (fmt && strcmp(fmt, "json") != 0)
        return send_error(con, rq, MHD_HTTP_BAD_REQUEST, "format 只能是 json、csv 或 xlsx。",
                          "format must be json, csv or xlsx.", lang_en, NULL);
    const serve_asset *unused;
    serve_reply rep = {0};
    switch (find_route(url, &unused)) {
    case ROUTE_CHECK: {
        const char *tq = query(con, "table");
        if (format == SERVE_CSV)
            return send_error(con, rq, MHD_HTTP_BAD_REQUEST,
                              "检查结果只能是 json 或 xlsx。",
                              "a check is json or xlsx.", lang_en, NULL);
        api_check(&rq->form, format, tq && strcmp(tq, "1") == 0, lang_en, &rep);
        break;
    }
    case ROUTE_REALLOC:
        api_realloc(&rq->form, format, lang_en, &rep);
        break;
    case ROUTE_NOTICE:
        api_notice(&rq->form, lang_en, &rep);
        break;
    case ROUTE_ALLOCATE:
        api_allocate(&rq->form, format, lang_en, &rep);
        break;
    case ROUTE_COMPARE:
        api_compare(&rq->form, format, lang_en, &rep);
        break;
    default:
        return MHD_NO;
    }
    if (!rep.body && !rep.status)
        return MHD_NO;
    return send_reply(con, rq, &rep, NULL);
}

/* One log line per request, written in one piece: time, method, path, status, bytes, ms. */
static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)con;
    request *rq = *con_cls;
    if (!rq)
        return;
    double ms = elapsed_ms(rq);
    time_t wall = time(NULL);
    struct tm tm;
    gmtime_r(&wall, &tm);
    char stamp[32], line[320];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(line, sizeof line, "%s %s %s %u %zu %.1fms%s\n", stamp, rq->method, rq->path,
             rq->status, rq->bytes, ms,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed early)");
    fputs(line, stderr);
    if (rq->pp)
        M.destroy_post_processor(rq->pp);
    form_free(&rq->form);
    free(rq);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf);
    fprintf(stderr, "fenpei serve: %s%s", buf, n && buf[n - 1] == '\n' ? "" : "\n");
}

int serve_run(const serve_config *cfg)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    int v6 = strchr(cfg->host, ':') != NULL;
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET6, cfg->host, &a->sin6_addr) != 1)
            return fprintf(stderr, "fenpei: serve: --listen: \"%s\" is not an IP address\n",
                           cfg->host),
                   2;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET, cfg->host, &a->sin_addr) != 1)
            return fprintf(stderr, "fenpei: serve: --listen: \"%s\" is not an IP address\n",
                           cfg->host),
                   2;
    }
    /* SIGTERM and SIGINT are taken by sigwait below: block them before MHD starts its threads,
     * which inherit the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    if (load_mhd())
        return fprintf(stderr, "fenpei: serve: cannot load libmicrohttpd: %s\n", M_why), 2;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_AUTO;
    if (v6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = M.start_daemon(
        flags, 0, NULL, NULL, on_request, (void *)(uintptr_t)cfg, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(cfg->threads > 1 ? cfg->threads : 0), MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fenpei: serve: cannot listen on %s:%u (in use, or not an address of "
                        "this machine)\n",
                cfg->host, cfg->port);
        return 2;
    }
    const union MHD_DaemonInfo *info = M.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : cfg->port;
    printf("fenpei serve: http://%s%s%s:%u/\n", v6 ? "[" : "", cfg->host, v6 ? "]" : "", port);
    fflush(stdout);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "fenpei serve: %s, stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    M.stop_daemon(d);
    return 0;
}

int serve_main(const char *host, unsigned port, size_t max_upload, size_t max_rows,
               unsigned threads, unsigned timeout, unsigned request_limit)
{
    serve_config cfg = {host, port, max_upload, max_rows, threads, timeout, request_limit};
    return serve_run(&cfg);
}
