/* write/xlsx_buffer.c — the workbooks written into memory, for callers with no file (the server). */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fenpei/compare.h"
#include "fenpei/xlsx.h"

/* libxlsxwriter 1.1.4 (Debian) writes only to a named file, so the workbook goes to an
 * anonymous memory file (memfd; an unlinked temporary file where memfd is missing) reached
 * through /proc/self/fd, and is read back from there. No name the caller chose reaches the
 * file system. */
typedef fp_error (*to_path)(const char *path, const void *job, fp_diag *diag);

static int anonymous_file(void)
{
    int fd = memfd_create("fenpei-xlsx", MFD_CLOEXEC);
    if (fd >= 0)
        return fd;
    FILE *f = tmpfile(); /* unlinked at once */
    if (!f)
        return -1;
    fd = dup(fileno(f));
    fclose(f);
    return fd;
}

static fp_error io_error(fp_diag *diag, const char *what)
{
    if (diag) {
        fp_diag_clear(diag);
        diag->code = FP_ERR_IO;
        snprintf(diag->message, sizeof diag->message, "cannot %s the workbook in memory: %s", what,
                 strerror(errno));
    }
    return FP_ERR_IO;
}

static fp_error to_buffer(to_path write, const void *job, char **data, size_t *len,
                          fp_diag *diag)
{
    *data = NULL;
    *len = 0;
    int fd = anonymous_file();
    if (fd < 0)
        return io_error(diag, "make");
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    fp_error e = write(path, job, diag);
    if (e != FP_OK) {
        close(fd);
        return e;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        e = io_error(diag, "measure");
        close(fd);
        return e;
    }
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n);
    if (!buf) {
        close(fd);
        return FP_ERR_NOMEM;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, buf + got, n - got, (off_t)got);
        if (k <= 0) {
            if (k < 0 && errno == EINTR)
                continue;
            e = io_error(diag, "read back");
            free(buf);
            close(fd);
            return e;
        }
        got += (size_t)k;
    }
    close(fd);
    *data = buf;
    *len = n;
    return FP_OK;
}

typedef struct notice_job {
    const fp_table *t;
    const fp_notice_options *opts;
} notice_job;

static fp_error notice_to_path(const char *path, const void *p, fp_diag *diag)
{
    const notice_job *j = p;
    return fp_xlsx_write_notice(j->t, j->opts, path, diag);
}

fp_error fp_xlsx_notice_buffer(const fp_table *t, const fp_notice_options *opts, char **data,
                               size_t *len, fp_diag *diag)
{
    notice_job j = {t, opts};
    return to_buffer(notice_to_path, &j, data, len, diag);
}

typedef struct audit_job {
    const fp_table *t;
    const fp_report *report;
    const fp_check_options *co;
} audit_job;

static fp_error audit_to_path(const char *path, const void *p, fp_diag *diag)
{
    const audit_job *j = p;
    return fp_xlsx_write_audit(j->t, j->report, j->co, path, diag);
}

fp_error fp_xlsx_audit_buffer(const fp_table *t, const fp_report *report,
                              const fp_check_options *check_opts, char **data, size_t *len,
                              fp_diag *diag)
{
    audit_job j = {t, report, check_opts};
    return to_buffer(audit_to_path, &j, data, len, diag);
}

typedef struct whatif_job {
    const fp_table *old, *new_;
    const fp_notice_options *opts;
    const fp_xlsx_param *params;
    size_t nparams;
} whatif_job;

static fp_error whatif_to_path(const char *path, const void *p, fp_diag *diag)
{
    const whatif_job *j = p;
    return fp_xlsx_write_whatif(j->old, j->new_, j->opts, j->params, j->nparams, path, diag);
}

fp_error fp_xlsx_whatif_buffer(const fp_table *old, const fp_table *new_,
                               const fp_notice_options *opts, const fp_xlsx_param *params,
                               size_t nparams, char **data, size_t *len, fp_diag *diag)
{
    whatif_job j = {old, new_, opts, params, nparams};
    return to_buffer(whatif_to_path, &j, data, len, diag);
}

typedef struct compare_job {
    const fp_comparison *c;
    const char *old_name, *new_name;
} compare_job;

static fp_error compare_to_path(const char *path, const void *p, fp_diag *diag)
{
    const compare_job *j = p;
    return fp_xlsx_write_compare(j->c, j->old_name, j->new_name, path, diag);
}

fp_error fp_xlsx_compare_buffer(const fp_comparison *c, const char *old_name,
                                const char *new_name, char **data, size_t *len, fp_diag *diag)
{
    compare_job j = {c, old_name, new_name};
    return to_buffer(compare_to_path, &j, data, len, diag);
}
