/* core/path.h — the one row-path formatter: "总计 / 地州合计 / 乌鲁木齐市" (private). */
#ifndef FENPEI_CORE_PATH_H
#define FENPEI_CORE_PATH_H

#include <stddef.h>

#include "fenpei/table.h"
#include "util/buf.h"

/* The deepest path written in full; a deeper row's path ends in SEP "…". */
#define ROW_PATH_MAX 64

/* Append to B the names from the top of T's tree down to ROW, separated by SEP (" / " in the
 * reports and workbooks); a row deeper than ROW_PATH_MAX levels gets the top ROW_PATH_MAX names
 * and SEP "…". */
void row_path(strbuf *b, const fp_table *t, size_t row, const char *sep);

#endif
