/* tests/helpers.h — shared helpers of the Criterion tests: files, tables, running the program. */
#ifndef FENPEI_TESTS_HELPERS_H
#define FENPEI_TESTS_HELPERS_H

#include <stdint.h>
#include <stddef.h>

#include "fenpei/fenpei.h"

/* The bundled example table and its shape. */
#define TH_BUNDLED FENPEI_SOURCE_DIR "/allocations/xinjiang-2024-basic-public-health-batch2.csv"
#define TH_EXPECTED_DIR FENPEI_SOURCE_DIR "/tests/data/expected"

/* The whole of file PATH, NUL-terminated (also when it holds NULs); its length to *LEN (may be
 * NULL). NULL when it cannot be read. The caller frees it. */
char *th_read_file(const char *path, size_t *len);

/* Write LEN bytes of DATA to FENPEI_TEST_TMP/NAME (replacing it); returns that path, which the
 * caller frees. Fails the running test when the file cannot be written. */
char *th_write_tmp(const char *name, const void *data, size_t len);
/* As th_write_tmp, for a NUL-terminated TEXT. */
char *th_write_tmp_text(const char *name, const char *text);
/* Make the folder FENPEI_TEST_TMP/NAME (if missing) and return its path, which the caller
 * frees. Fails the running test when it cannot be made. */
char *th_tmp_dir(const char *name);

/* The tests' one random source, splitmix64 over *STATE (seed it for a reproducible run): the next
 * 64 bits, and a whole number uniform in LO … HI (HI - LO well below 2^64). */
uint64_t th_rand(uint64_t *state);
int64_t th_rand_in(uint64_t *state, int64_t lo, int64_t hi);

/* A copy of TEXT with the one occurrence of FROM replaced by TO. Fails the running test unless
 * FROM occurs exactly once. The caller frees the result. */
char *th_replace_once(const char *text, const char *from, const char *to);

/* Load TEXT (a table as CSV/TSV text) from memory with default options, failing the running
 * test (with the diagnostic) when it does not load. The caller frees the table. */
fp_table *th_load_text(const char *text);
/* Load the bundled table, failing the running test when it does not load. */
fp_table *th_load_bundled(void);

/* Apply the causes C to T (fp_causes_fix), asserting that it succeeds and applies APPLIED of
 * them; the fixed table, which the caller frees. */
fp_table *th_fix(const fp_table *t, const fp_causes *c, size_t applied);
/* Assert that GOT holds WANT's rows in order: the same count, names, depths and amounts. */
void th_expect_same_rows(const fp_table *got, const fp_table *want);

/* The row named NAME (which must name exactly one row), failing the test otherwise. */
size_t th_row(const fp_table *t, const char *name);
/* Check T with the default rules: the number of errors, the number of warnings to *WARN (may be
 * NULL). Fails the running test when the check cannot run. */
size_t th_errors_of(const fp_table *t, size_t *warn);
/* The column headed NAME, failing the test when there is none. */
size_t th_col(const fp_table *t, const char *name);

/* Names of the children of ROW (FP_NONE: the top-level rows), joined by '|', in a static buffer
 * (the next call overwrites it); fails the running test when they do not fit. */
const char *th_children(const fp_table *t, size_t row);

/* What a program run produced. */
typedef struct th_run {
    int status;   /* exit status, or 128 + signal number when killed by a signal */
    char *out;    /* everything written to stdout, NUL-terminated */
    size_t outlen;
    char *err;    /* everything written to stderr, NUL-terminated */
    size_t errlen;
} th_run;

/* Run the program ARGV[0] (searched in PATH when it has no '/') with the NULL-terminated
 * arguments ARGV, stdin from /dev/null, capturing stdout and stderr separately. Fails the running
 * test when the program cannot be started. Free the result with th_run_free. */
th_run th_run_argv(const char *const *argv);
void th_run_free(th_run *r);

/* Run the fenpei program built with the tests on the NULL-terminated ARGS (at most 14). */
th_run th_fenpei(const char *const *args);
/* The same in folder DIR (the test process changes into it; NULL: where it is). */
th_run th_fenpei_in(const char *dir, const char *const *args);
#define TH_FENPEI(...) th_fenpei((const char *const[]){__VA_ARGS__, NULL})

/* DIR NAME as one path (DIR ends in '/'); the caller frees it. */
char *th_path(const char *dir, const char *name);
/* A fresh path FENPEI_TEST_TMP/NAME (any file there removed); the caller frees it. */
char *th_out_path(const char *name);
/* Fail the running test unless file PATH holds exactly the bytes of file WANT. */
void th_same_file(const char *path, const char *want);
/* `fenpei convert IN -o FENPEI_TEST_TMP/OUT_NAME` succeeds silently and writes exactly the bytes
 * of file WANT. */
void th_converts_to(const char *in, const char *out_name, const char *want);

#endif
