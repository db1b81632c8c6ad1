/* write/csv_write.h — the one CSV cell quoter of the library's writers (private). */
#ifndef FENPEI_WRITE_CSV_WRITE_H
#define FENPEI_WRITE_CSV_WRITE_H

#include <stdio.h>

/* Write S as one CSV cell, quoted only when it must be. 0, or -1 on a write error. */
int csv_put_cell(FILE *out, const char *s);

#endif
