/* util/hanzi.h — read traditional characters like simplified ones, for the words that matter in
 * an allocation table (合計, 總計, 資金, 縣, 區, 單位：萬元, 已提前下達 …); not a full converter. */
#ifndef FENPEI_HANZI_H
#define FENPEI_HANZI_H

#include <stddef.h>

/* Copy LEN bytes of UTF-8 at S to OUT (room for LEN + 1 bytes), each traditional character of
 * the table replaced by its simplified form (always the same number of bytes), NUL-terminated.
 * Returns the number of characters replaced. S and OUT may be the same. */
size_t hz_simplify(const char *s, size_t len, char *out);

#endif
