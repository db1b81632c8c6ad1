/* write/letter_template.h — the default letter template's bytes, embedded at build time (private). */
#ifndef FENPEI_WRITE_LETTER_TEMPLATE_H
#define FENPEI_WRITE_LETTER_TEMPLATE_H

#include <stddef.h>

/* src/write/templates/letter.docx, made by make_letter_template.py (cmake/embed.cmake). */
extern const unsigned char letter_template_docx[];
extern const size_t letter_template_docx_len;

#endif
