/* read/ooxml.h — an Office Open XML package (XLSX, DOCX) as the readers need it: the ZIP archive
 * opened with clear messages, parts found by name, a part streamed through expat within limits
 * (private). One place for what the workbook and the Word readers share. */
#ifndef FENPEI_READ_OOXML_H
#define FENPEI_READ_OOXML_H

#include <expat.h>
#include <stddef.h>
#include <zip.h>

#include "fenpei/error.h"

/* Open the package at PATH (DATA NULL) or of the LEN bytes at DATA (not copied: they must outlive
 * the archive). WHAT names the kind in messages ("an XLSX workbook"); a damaged archive is the
 * error FORMAT, with HINT added to the message. NULL on failure, with DIAG filled and *ERR set.
 * The caller closes the archive with zip_discard. */
zip_t *ooxml_open(const char *path, const void *data, size_t len, const char *name,
                  const char *what, fp_error format, const char *hint, fp_diag *diag,
                  fp_error *err);

/* The archive entry named PART (case-insensitive as a fallback), or -1. */
zip_int64_t ooxml_find_part(zip_t *za, const char *part);

/* The local part of an expat name "namespace-URI local" (parsers made with separator ' '). */
const char *ooxml_local_name(const char *name);

/* Stream entry IDX of ZA (named PART in messages) through the expat parser P, whose handlers and
 * user data the caller has set, reading through CHUNK (CHUNKSIZE bytes). A part larger than LIMIT
 * bytes uncompressed is refused (a damaged file or a ZIP bomb). *STOPPED is the caller's flag,
 * set by its handlers after they stopped the parser with an error of their own. Returns NULL when
 * the part was read (or the caller stopped), else MSG (SIZE bytes): what went wrong. */
const char *ooxml_parse_part(zip_t *za, zip_int64_t idx, const char *part, XML_Parser p,
                             char *chunk, size_t chunksize, zip_uint64_t limit,
                             const int *stopped, char *msg, size_t size);

#endif
