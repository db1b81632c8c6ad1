/* write/letter_template.h — the default letter template's bytes, embedded at build time (private). */
#ifndef FENPEI_WRITE_LETTER_TEMPLATE_H
#define FENPEI_WRITE_LETTER_TEMPLATE_H

#include <stddef.h>

/* src/write/templates/letter.docx, made by make_letter_template.py (cmake/embed.cmake). */
extern const unsigned char fp_letter_template[];
extern const size_t fp_letter_template_len;

#endif
