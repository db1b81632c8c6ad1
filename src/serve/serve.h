/* serve/serve.h — fenpei serve: the local web page and JSON API (not part of the library). */
#ifndef FENPEI_SERVE_H
#define FENPEI_SERVE_H

#include <stddef.h>
#include <stdio.h>

#include "fenpei/fenpei.h"

/* How the server runs (from the command line). */
typedef struct serve_config {
    const char *host;     /* numeric address to listen on ("127.0.0.1", "::1", "0.0.0.0") */
    unsigned port;        /* 0: any free port (printed on stdout) */
    size_t max_upload;    /* bytes of request body accepted; more is 413 */
    size_t max_rows;      /* rows of a table worked on; more is 413 (bounds each request's work) */
    unsigned threads;     /* MHD thread pool size (1: one thread) */
    unsigned timeout;     /* seconds a connection may stay idle */
    unsigned request_limit; /* seconds an upload may take before the connection is cut */
} serve_config;

/* The program's entry (declared for the command line in src/cli/cli.h): serve_run with these
 * settings. */
int serve_main(const char *host, unsigned port, size_t max_upload, size_t max_rows,
               unsigned threads, unsigned timeout, unsigned request_limit);

/* Listen, print "fenpei serve: http://HOST:PORT/" on stdout, serve until SIGTERM or SIGINT.
 * Returns the exit status (0 after a clean stop, 2 when it could not listen). */
int serve_run(const serve_config *cfg);

/* ---- the request, as the API handlers see it (serve/api.c) ---- */

/* One form field of a multipart/form-data or urlencoded body: bytes, and a file name for files. */
typedef struct serve_field {
    char *name;
    char *filename; /* NULL for a plain field */
    char *data;     /* NUL-terminated (not counted in len) */
    size_t len;
} serve_field;

typedef struct serve_form {
    serve_field *fields;
    size_t count, cap;
    size_t max_rows; /* the server's --max-rows, for the handlers */
} serve_form;

/* The first field NAME of FORM, or NULL. */
const serve_field *serve_form_get(const serve_form *form, const char *name);

/* What a handler answers. BODY is malloc'ed (the server frees it). */
typedef struct serve_reply {
    unsigned status;
    char *body;
    size_t len;
    const char *type;      /* Content-Type */
    char filename[128];    /* Content-Disposition attachment name (ASCII), or "" */
} serve_reply;

typedef enum serve_format { SERVE_JSON = 0, SERVE_CSV, SERVE_XLSX } serve_format;

/* The API: fill REPLY for FORM; LANG_EN for English errors. FORMAT from ?format=; WITH_TABLE
 * adds the table itself to the check JSON (?table=1, for the page). */
void api_check(const serve_form *form, serve_format format, int with_table, int lang_en,
               serve_reply *reply);
void api_realloc(const serve_form *form, serve_format format, int lang_en, serve_reply *reply);
void api_notice(const serve_form *form, int lang_en, serve_reply *reply);
/* serve/api_more.c: the factor method (fenpei allocate) and two tables compared (fenpei
 * compare). */
void api_allocate(const serve_form *form, serve_format format, int lang_en, serve_reply *reply);
void api_compare(const serve_form *form, serve_format format, int lang_en, serve_reply *reply);

/* ---- helpers of api.c shared with api_more.c ---- */

/* S as a JSON string; an amount as a JSON string of its exact decimal text. */
void api_json_str(FILE *out, const char *s);
void api_json_amount(FILE *out, fp_amount v, int decimals);
/* The percentage change from OLD to NEW_ (exact to 0.01%) as a JSON string, or null. */
void api_json_percent(FILE *out, fp_amount old, fp_amount new_);
/* A library failure (DIAG) as an error reply: WHAT_ZH, where and why; 500 for ours. */
void api_diag_error(serve_reply *reply, unsigned status, const char *what_zh, const fp_diag *d,
                    int lang_en);
void api_nomem(serve_reply *reply, int lang_en);
/* The upload's last path part, printable and short, for messages and outputs. */
void api_upload_name(const serve_field *f, char *buf, size_t cap);
/* The table uploaded in field F (with the form's "sheet" when USE_SHEET): 0, or -1 with REPLY
 * set (400 unreadable, 413 over the row limit). The caller frees *OUT. */
int api_load_field(const serve_form *form, const serve_field *f, int use_sheet, fp_table **out,
                   int lang_en, serve_reply *reply);
/* T's columns [{name, role, amount}]; its rows [{line, name, depth, parent, cells}], each with
 * "changed" when OLD is given. */
void api_write_columns(FILE *out, const fp_table *t);
void api_write_rows(FILE *out, const fp_table *t, const fp_table *old);
/* The next non-empty field NAME from field *I on (*I moves past it), or NULL. */
const serve_field *api_next_field(const serve_form *form, const char *name, size_t *i);
/* 1 when F is "1", "on", "true" or "yes". */
int api_truthy(const serve_field *f);
/* A workbook as the answer (REPLY takes DATA), named FILENAME. */
void api_reply_xlsx(serve_reply *reply, char *data, size_t len, const char *filename);
/* A memory stream for an answer, or NULL after answering "out of memory"; then its text handed
 * to REPLY as TYPE (status 200), named FILENAME (NULL: no name). */
FILE *api_reply_stream(char **text, size_t *len, serve_reply *reply, int lang_en);
void api_finish_stream(FILE *f, char **text, size_t *len, serve_reply *reply, const char *type,
                       const char *filename, int lang_en);

/* The Chinese sentence for a library error code, or NULL for a code it does not know. */
const char *api_error_zh(fp_error code);

/* An error reply {"error": "…"} with STATUS, in Chinese or English. */
void api_error(serve_reply *reply, unsigned status, const char *zh, const char *en, int lang_en);

/* The embedded page (generated at build time from src/serve/page/). */
typedef struct serve_asset {
    const char *path; /* "/", "/app.js", "/style.css" */
    const char *type;
    const unsigned char *data;
    size_t len;
} serve_asset;
extern const serve_asset serve_assets[];
extern const size_t serve_asset_count;

#endif
