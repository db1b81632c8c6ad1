/* core/path.c — the one row-path formatter: the names from the top of the tree down to a row. */
#include "core/path.h"

void row_path(strbuf *b, const fp_table *t, size_t row, const char *sep)
{
    size_t path[ROW_PATH_MAX];
    size_t n = fp_table_path(t, row, path, ROW_PATH_MAX);
    for (size_t i = 0; i < n && i < ROW_PATH_MAX; i++) {
        if (i)
            strbuf_str(b, sep);
        strbuf_str(b, fp_table_row_name(t, path[i]));
    }
    if (n > ROW_PATH_MAX) { /* a pathologically deep tree: the top levels tell where it is */
        strbuf_str(b, sep);
        strbuf_str(b, "…");
    }
}
