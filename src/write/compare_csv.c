/* write/compare_csv.c — a comparison of two tables as CSV (fenpei compare --format csv). */
#include "fenpei/compare.h"
#include "write/csv_write.h"

static const char *where(const fp_compare_unit *u)
{
    return u->old_row == FP_NONE ? "仅新表" : u->new_row == FP_NONE ? "仅原表" : "两表";
}

fp_error fp_comparison_write_csv(const fp_comparison *c, FILE *out)
{
    int bad = fputs("状态,路径,单位,列,原值,新值,变动,变动率,原排名,新排名,排名变化\n", out) < 0;
    for (size_t i = 0; i < fp_comparison_unit_count(c) && !bad; i++) {
        const fp_compare_unit *u = fp_comparison_unit(c, i);
        for (size_t k = 0; k < fp_comparison_column_count(c); k++) {
            fp_compare_value v = fp_comparison_value(c, i, k);
            char o[FP_AMOUNT_BUFSIZE] = "", n[FP_AMOUNT_BUFSIZE] = "", d[FP_AMOUNT_BUFSIZE] = "";
            char p[FP_PERCENT_BUFSIZE] = "";
            if (v.has_old)
                fp_amount_format(v.old, 0, o);
            if (v.has_new)
                fp_amount_format(v.new_, 0, n);
            fp_amount change;
            if (v.has_old && v.has_new && !fp_amount_sub(v.new_, v.old, &change)) {
                fp_amount_format(change, 0, d);
                fp_amount_percent(v.old, v.new_, p);
            }
            fprintf(out, "%s,", where(u));
            bad |= csv_put_cell(out, u->path);
            fputc(',', out);
            bad |= csv_put_cell(out, u->name);
            fputc(',', out);
            bad |= csv_put_cell(out, fp_comparison_column_name(c, k));
            fprintf(out, ",%s,%s,%s,%s,", o, n, d, p);
            if (v.rank_old)
                fprintf(out, "%zu", v.rank_old);
            fputc(',', out);
            if (v.rank_new)
                fprintf(out, "%zu", v.rank_new);
            fputc(',', out);
            if (v.rank_old && v.rank_new)
                fprintf(out, "%+ld", (long)v.rank_old - (long)v.rank_new);
            fputc('\n', out);
        }
    }
    return bad || ferror(out) ? FP_ERR_IO : FP_OK;
}
