/* fenpei/docx.h — Word letters from templates: {{placeholders}} filled in the template's own XML. */
#ifndef FENPEI_DOCX_H
#define FENPEI_DOCX_H

#include <stddef.h>

#include "fenpei/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A Word document held in memory (its ZIP entries), to fill and write. Freed with fp_docx_free. */
typedef struct fp_docx fp_docx;

/** Read the .docx file PATH into *OUT (caller frees with fp_docx_free). FP_ERR_IO when it cannot
 *  be read, FP_ERR_TEMPLATE when it is not a Word document (no word/document.xml). */
fp_error fp_docx_open_file(const char *path, fp_docx **out, fp_diag *diag);

/** As fp_docx_open_file, from LEN bytes at DATA (copied); NAME is used in diagnostics. */
fp_error fp_docx_open_memory(const void *data, size_t len, const char *name, fp_docx **out,
                             fp_diag *diag);

/** The default 下达 letter template built into the library (GB/T 9704 layout; its placeholders
 *  are listed in docs/package.md), as a new document in *OUT (caller frees with fp_docx_free). */
fp_error fp_docx_open_default_letter(fp_docx **out, fp_diag *diag);

/** Free D. Accepts NULL. */
void fp_docx_free(fp_docx *d);

/** A placeholder's value: VALUE replaces every {{NAME}} (a '\n' in it becomes a line break);
 *  VALUE NULL leaves out each paragraph holding {{NAME}} (in a table cell: empties it). */
typedef struct fp_docx_value {
    const char *name;
    const char *value;
} fp_docx_value;

/** Replace the placeholders {{NAME}} of the body, headers and footers of D — also when Word split
 *  one over several runs (the text takes the formatting of the run holding the name's first
 *  character), in bold runs and in table cells. A placeholder not among the N VALUES is FP_ERR_TEMPLATE, naming it.
 *  *FILLED (may be NULL) receives how many placeholders were replaced. */
fp_error fp_docx_fill(fp_docx *d, const fp_docx_value *values, size_t n, size_t *filled,
                      fp_diag *diag);

/** The names of the placeholders of D in document order, each once, as one string of names
 *  separated by '\n' in *OUT (caller frees with free()). */
fp_error fp_docx_placeholders(const fp_docx *d, char **out, fp_diag *diag);

/** The text of D's body: one line per paragraph (runs joined), in document order, in *OUT
 *  (caller frees with free()). */
fp_error fp_docx_text(const fp_docx *d, char **out, fp_diag *diag);

/** Write D to the new file PATH (the caller makes PATH a temporary name and renames it). The same
 *  document always gives the same bytes: entries in the template's order, fixed 1980-01-01
 *  timestamps, deflated. FP_ERR_IO when PATH cannot be written. */
fp_error fp_docx_write(const fp_docx *d, const char *path, fp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
