/* tests/helpers.c — shared helpers of the Criterion tests: files, tables, running the program. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *th_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, cap * 2 + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

char *th_write_tmp(const char *name, const void *data, size_t len)
{
    size_t n = strlen(FENPEI_TEST_TMP) + strlen(name) + 2;
    char *path = malloc(n);
    cr_assert_not_null(path);
    snprintf(path, n, "%s/%s", FENPEI_TEST_TMP, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len, "cannot write %s", path);
    cr_assert_eq(fclose(f), 0, "cannot write %s", path);
    return path;
}

char *th_write_tmp_text(const char *name, const char *text)
{
    return th_write_tmp(name, text, strlen(text));
}

char *th_tmp_dir(const char *name)
{
    size_t n = strlen(FENPEI_TEST_TMP) + strlen(name) + 2;
    char *path = malloc(n);
    cr_assert_not_null(path);
    snprintf(path, n, "%s/%s", FENPEI_TEST_TMP, name);
    cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "cannot make %s: %s", path,
              strerror(errno));
    return path;
}

char *th_replace_once(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    cr_assert_not_null(at, "\"%s\" does not occur", from);
    cr_assert_null(strstr(at + 1, from), "\"%s\" occurs more than once", from);
    size_t head = (size_t)(at - text), nfrom = strlen(from), nto = strlen(to);
    size_t tail = strlen(at + nfrom);
    char *s = malloc(head + nto + tail + 1);
    cr_assert_not_null(s);
    memcpy(s, text, head);
    memcpy(s + head, to, nto);
    memcpy(s + head + nto, at + nfrom, tail + 1);
    return s;
}

fp_table *th_load_text(const char *text)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(text, strlen(text), "test.csv", NULL, &t, &d);
    cr_assert_eq(e, FP_OK, "load failed: %s (line %ld, column \"%s\", text \"%s\"): %s",
                 fp_strerror(e), d.line, d.column, d.text, d.message);
    cr_assert_not_null(t);
    return t;
}

fp_table *th_load_bundled(void)
{
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_file(TH_BUNDLED, NULL, &t, &d);
    cr_assert_eq(e, FP_OK, "load of the bundled table failed: line %ld: %s", d.line, d.message);
    return t;
}

fp_table *th_fix(const fp_table *t, const fp_causes *c, size_t applied)
{
    fp_table *fixed = NULL;
    size_t got = applied + 1;
    fp_diag d;
    cr_assert_eq(fp_causes_fix(t, c, &fixed, &got, &d), FP_OK, "fix: %s", d.message);
    cr_assert_eq(got, applied, "%zu causes applied, not %zu", got, applied);
    return fixed;
}

void th_expect_same_rows(const fp_table *got, const fp_table *want)
{
    cr_assert_eq(fp_table_row_count(got), fp_table_row_count(want));
    for (size_t row = 0; row < fp_table_row_count(want); row++) {
        cr_assert_str_eq(fp_table_row_name(got, row), fp_table_row_name(want, row), "row %zu", row);
        cr_assert_eq(fp_table_depth(got, row), fp_table_depth(want, row), "row %zu depth", row);
        for (size_t col = 0; col < fp_table_column_count(want); col++)
            if (fp_table_column_is_amount(want, col))
                cr_assert_eq(fp_table_amount(got, row, col), fp_table_amount(want, row, col),
                             "row %zu column %zu", row, col);
    }
}

size_t th_row(const fp_table *t, const char *name)
{
    size_t row;
    size_t n = fp_table_find_row(t, name, &row);
    cr_assert_eq(n, 1, "\"%s\" names %zu rows, expected 1", name, n);
    return row;
}

size_t th_col(const fp_table *t, const char *name)
{
    size_t col = fp_table_find_column(t, name);
    cr_assert_neq(col, FP_NONE, "no column \"%s\"", name);
    return col;
}

/* Append what is readable on FD to *BUF; returns 0 at end of file. */
static int drain(int fd, char **buf, size_t *len, size_t *cap)
{
    if (*cap - *len < 4097) {
        size_t ncap = *cap * 2 + 8192;
        char *b = realloc(*buf, ncap);
        cr_assert_not_null(b);
        *buf = b;
        *cap = ncap;
    }
    ssize_t n = read(fd, *buf + *len, *cap - *len - 1);
    if (n < 0 && errno == EINTR)
        return 1;
    cr_assert_geq(n, 0, "read from the child failed: %s", strerror(errno));
    *len += (size_t)n;
    (*buf)[*len] = '\0';
    return n > 0;
}

th_run th_run_argv(const char *const *argv)
{
    th_run r = {0};
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    posix_spawn_file_actions_addclose(&fa, out[1]);
    posix_spawn_file_actions_addclose(&fa, err[1]);
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)(uintptr_t)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    cr_assert_eq(e, 0, "cannot start %s: %s", argv[0], strerror(e));
    size_t outcap = 0, errcap = 0;
    struct pollfd p[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds) {
        if (poll(p, 2, -1) < 0) {
            cr_assert_eq(errno, EINTR, "poll failed: %s", strerror(errno));
            continue;
        }
        for (int k = 0; k < 2; k++) {
            if (p[k].fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int more = k == 0 ? drain(p[k].fd, &r.out, &r.outlen, &outcap)
                              : drain(p[k].fd, &r.err, &r.errlen, &errcap);
            if (!more) {
                close(p[k].fd);
                p[k].fd = -1;
                open_fds--;
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        cr_assert_eq(errno, EINTR, "waitpid failed: %s", strerror(errno));
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (!r.out)
        r.out = calloc(1, 1);
    if (!r.err)
        r.err = calloc(1, 1);
    return r;
}

void th_run_free(th_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

th_run th_fenpei_in(const char *dir, const char *const *args)
{
    const char *argv[16] = {FENPEI_BIN};
    size_t n = 1;
    for (; args[n - 1]; n++) {
        cr_assert_lt(n, 15);
        argv[n] = args[n - 1];
    }
    argv[n] = NULL;
    if (dir)
        cr_assert_eq(chdir(dir), 0, "cannot enter %s", dir);
    return th_run_argv(argv);
}

th_run th_fenpei(const char *const *args)
{
    return th_fenpei_in(NULL, args);
}

char *th_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 1;
    char *p = malloc(n);
    cr_assert_not_null(p);
    snprintf(p, n, "%s%s", dir, name);
    return p;
}

char *th_out_path(const char *name)
{
    char *p = th_write_tmp_text(name, "");
    unlink(p);
    return p;
}

void th_same_file(const char *path, const char *want)
{
    size_t n, m;
    char *got = th_read_file(path, &n), *exp = th_read_file(want, &m);
    cr_assert_not_null(got, "%s was not written", path);
    cr_assert_not_null(exp);
    cr_assert_eq(n, m, "%s: %zu bytes, %s: %zu", path, n, want, m);
    cr_assert(memcmp(got, exp, n) == 0, "%s differs from %s", path, want);
    free(got);
    free(exp);
}

void th_converts_to(const char *in, const char *out_name, const char *want)
{
    char *out = th_out_path(out_name);
    th_run r = TH_FENPEI("convert", in, "-o", out);
    cr_assert_eq(r.status, 0, "%s: exit %d: %s", in, r.status, r.err);
    cr_assert_str_eq(r.err, "");
    cr_assert_str_eq(r.out, "");
    th_same_file(out, want);
    th_run_free(&r);
    free(out);
}

const char *th_children(const fp_table *t, size_t row)
{
    static char buf[16384];
    size_t len = 0;
    buf[0] = '\0';
    size_t c = row == FP_NONE ? fp_table_first_root(t) : fp_table_first_child(t, row);
    for (; c != FP_NONE; c = fp_table_next_sibling(t, c)) {
        int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? "|" : "",
                         fp_table_row_name(t, c));
        cr_assert(w >= 0 && (size_t)w < sizeof buf - len, "th_children: too many children");
        len += (size_t)w;
    }
    return buf;
}

size_t th_errors_of(const fp_table *t, size_t *warn)
{
    fp_report *r = NULL;
    fp_diag d;
    cr_assert_eq(fp_check(t, NULL, &r, &d), FP_OK, "%s", d.message);
    size_t e = fp_report_errors(r);
    if (warn)
        *warn = fp_report_warnings(r);
    fp_report_free(r);
    return e;
}

uint64_t th_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int64_t th_rand_in(uint64_t *state, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(th_rand(state) % (uint64_t)(hi - lo + 1));
}
