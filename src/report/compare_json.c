/* report/compare_json.c — a comparison of two tables as JSON (fenpei compare --format json). */
#include "fenpei/compare.h"
#include "report/json.h"

/* The old, new and change of one value as JSON numbers (null where absent), and its % change. */
typedef struct texts {
    char o[FP_AMOUNT_BUFSIZE], n[FP_AMOUNT_BUFSIZE], d[FP_AMOUNT_BUFSIZE];
    char p[FP_PERCENT_BUFSIZE];
} texts;

static void to_text(const fp_compare_value *v, texts *t)
{
    t->o[0] = t->n[0] = t->d[0] = t->p[0] = '\0';
    if (v->has_old)
        fp_amount_format(v->old, 0, t->o);
    if (v->has_new)
        fp_amount_format(v->new_, 0, t->n);
    fp_amount d;
    if (v->has_old && v->has_new && !fp_amount_sub(v->new_, v->old, &d)) {
        fp_amount_format(d, 0, t->d);
        fp_amount_percent(v->old, v->new_, t->p);
    }
}

static void rank(FILE *out, size_t r)
{
    if (r)
        fprintf(out, "%zu", r);
    else
        fputs("null", out);
}

fp_error fp_comparison_write_json(const fp_comparison *c, const char *old_name,
                                  const char *new_name, FILE *out)
{
    fputs("{\"old\": ", out);
    json_string(out, old_name);
    fputs(", \"new\": ", out);
    json_string(out, new_name);
    fprintf(out,
            ", \"checks\": {\"old\": {\"errors\": %zu, \"warnings\": %zu}, "
            "\"new\": {\"errors\": %zu, \"warnings\": %zu}}",
            fp_comparison_errors(c, 0), fp_comparison_warnings(c, 0), fp_comparison_errors(c, 1),
            fp_comparison_warnings(c, 1));
    fputs(", \"units\": [", out);
    for (size_t i = 0; i < fp_comparison_unit_count(c); i++) {
        const fp_compare_unit *u = fp_comparison_unit(c, i);
        fputs(i ? ",\n  {\"path\": " : "\n  {\"path\": ", out);
        json_string(out, u->path);
        fputs(", \"unit\": ", out);
        json_string(out, u->name);
        fprintf(out, ", \"in\": \"%s\", \"values\": [",
                u->old_row == FP_NONE ? "new" : u->new_row == FP_NONE ? "old" : "both");
        for (size_t k = 0; k < fp_comparison_column_count(c); k++) {
            fp_compare_value v = fp_comparison_value(c, i, k);
            texts t;
            to_text(&v, &t);
            fputs(k ? ", {\"column\": " : "{\"column\": ", out);
            json_string(out, fp_comparison_column_name(c, k));
            fprintf(out, ", \"old\": %s, \"new\": %s, \"change\": %s, \"pct\": ",
                    t.o[0] ? t.o : "null", t.n[0] ? t.n : "null", t.d[0] ? t.d : "null");
            if (t.p[0])
                json_string(out, t.p);
            else
                fputs("null", out);
            fputs(", \"rank_old\": ", out);
            rank(out, v.rank_old);
            fputs(", \"rank_new\": ", out);
            rank(out, v.rank_new);
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs("\n]}\n", out);
    return ferror(out) ? FP_ERR_IO : FP_OK;
}
