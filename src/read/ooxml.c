/* read/ooxml.c — an Office Open XML package (XLSX, DOCX): the archive, its parts, a part through
 * expat within limits. */
#include "read/ooxml.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

static fp_error zip_failed(const char *name, const char *what, fp_error format, const char *hint,
                           zip_error_t *ze, fp_diag *diag)
{
    int code = zip_error_code_zip(ze);
    fp_error e = code == ZIP_ER_MEMORY ? FP_ERR_NOMEM
                 : code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT
                     ? FP_ERR_IO
                     : format;
    fp_error r = diag_set(diag, e, name, 0, NULL, NULL, 0, "cannot open as %s (a ZIP archive): %s%s",
                          what, zip_error_strerror(ze), e == format ? hint : "");
    zip_error_fini(ze);
    return r;
}

zip_t *ooxml_open(const char *path, const void *data, size_t len, const char *name,
                  const char *what, fp_error format, const char *hint, fp_diag *diag,
                  fp_error *err)
{
    zip_error_t ze;
    zip_t *za;
    if (!data) {
        int code = 0;
        if (!(za = zip_open(path, ZIP_RDONLY, &code))) {
            zip_error_init_with_code(&ze, code);
            *err = zip_failed(path, what, format, hint, &ze, diag);
        }
        return za;
    }
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(len ? data : "", len, 0, &ze);
    if (!src) {
        *err = zip_failed(name, what, format, hint, &ze, diag);
        return NULL;
    }
    if (!(za = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
        zip_source_free(src);
        *err = zip_failed(name, what, format, hint, &ze, diag);
        return NULL;
    }
    zip_error_fini(&ze);
    return za;
}

zip_int64_t ooxml_find_part(zip_t *za, const char *part)
{
    zip_int64_t i = zip_name_locate(za, part, 0);
    if (i < 0)
        i = zip_name_locate(za, part, ZIP_FL_NOCASE);
    return i;
}

const char *ooxml_local_name(const char *name)
{
    const char *sp = strrchr(name, ' ');
    return sp ? sp + 1 : name;
}

const char *ooxml_parse_part(zip_t *za, zip_int64_t idx, const char *part, XML_Parser p,
                             char *chunk, size_t chunksize, zip_uint64_t limit,
                             const int *stopped, char *msg, size_t size)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > limit) {
        snprintf(msg, size,
                 "part %s is %llu bytes uncompressed, more than the %llu allowed; refused (a "
                 "damaged file or a ZIP bomb)",
                 part, (unsigned long long)st.size, (unsigned long long)limit);
        return msg;
    }
    zip_file_t *f = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!f) {
        snprintf(msg, size, "cannot read part %s: %s", part, zip_strerror(za));
        return msg;
    }
    const char *r = NULL;
    zip_uint64_t total = 0;
    for (;;) {
        zip_int64_t n = zip_fread(f, chunk, chunksize);
        if (n < 0) {
            snprintf(msg, size, "cannot read part %s: %s (the file is damaged)", part,
                     zip_file_strerror(f));
            r = msg;
            break;
        }
        total += (zip_uint64_t)n;
        if (total > limit) { /* the stated size was wrong */
            snprintf(msg, size,
                     "part %s is more than %llu bytes uncompressed; refused (a damaged file or a "
                     "ZIP bomb)",
                     part, (unsigned long long)limit);
            r = msg;
            break;
        }
        if (XML_Parse(p, chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (!*stopped) {
                snprintf(msg, size, "%s line %lu, column %lu: malformed XML: %s", part,
                         (unsigned long)XML_GetCurrentLineNumber(p),
                         (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                         XML_ErrorString(XML_GetErrorCode(p)));
                r = msg;
            }
            break;
        }
        if (n == 0 || *stopped)
            break;
    }
    zip_fclose(f);
    return r;
}
