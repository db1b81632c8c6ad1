/* read/letter.h — the metadata a notice's letter states (文号, title, issuer, codes) (private). */
#ifndef FENPEI_READ_LETTER_H
#define FENPEI_READ_LETTER_H

#include <stddef.h>

#include "read/layout.h"

/* Read the N lines of a letter (each its text without spaces) into M: fields M already holds
 * are kept. M's strings are malloc'd (lay_meta_clear frees them). */
void letter_read(const char *const *lines, size_t n, lay_meta *m);

#endif
