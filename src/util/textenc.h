/* util/textenc.h — a whole text (a performance table's text, a letter) in UTF-8 whatever its
 * encoding: UTF-8 with or without byte-order marks, UTF-16 with one, or GB18030/GBK, told apart by
 * the rule the allocation table reader uses (read/csv_read.c) (private). */
#ifndef FENPEI_UTIL_TEXTENC_H
#define FENPEI_UTIL_TEXTENC_H

#include <stddef.h>

/* What text_to_utf8 found. */
typedef enum textenc_status {
    TEXTENC_OK = 0,
    TEXTENC_NOMEM,
    TEXTENC_INVALID /* bytes valid in no encoding tried; *BAD_AT is their offset in DATA */
} textenc_status;

/* The LEN bytes of DATA as UTF-8 text in a new NUL-terminated buffer *OUT (the caller frees it)
 * of *OUTLEN bytes, without byte-order marks. The encoding: UTF-8 after a UTF-8 byte-order mark;
 * UTF-16 after a UTF-16 one; else UTF-8 when DATA is valid UTF-8 up to its end, and GB18030 when
 * it is not and its valid prefix holds fewer than three non-ASCII characters (a GB18030 text
 * almost never reads as several); else UTF-8 with a damaged byte (TEXTENC_INVALID). *ENC (may be
 * NULL) is set to the encoding's name. PARTIAL: DATA is the head of a longer text and may end
 * inside a character, which is then dropped. */
textenc_status text_to_utf8(const char *data, size_t len, int partial, char **out, size_t *outlen,
                            const char **enc, size_t *bad_at);

#endif
