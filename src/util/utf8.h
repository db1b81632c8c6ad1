/* util/utf8.h — decoding UTF-8 one character at a time, and how many columns a character takes
 * on a terminal or in a monospaced copy of a PDF (East Asian wide characters take two) (private). */
#ifndef FENPEI_UTIL_UTF8_H
#define FENPEI_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode the character at S (LEN > 0 bytes left) into *CP; returns its length in bytes (1 to 4).
 * An invalid or truncated sequence decodes as U+FFFD, one byte long. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* 2 for a character of East Asian Width W or F (CJK ideographs, kana, hangul, full-width forms,
 * CJK punctuation such as 〔〕、。), 0 for a combining mark or a control, else 1. */
int utf8_cp_width(uint32_t cp);

/* Columns taken by the LEN bytes of UTF-8 at S. */
size_t utf8_width(const char *s, size_t len);

#endif
