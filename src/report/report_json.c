/* report/report_json.c — the check report as one JSON object (schema in docs/check.md). */
#include "fenpei/check.h"
#include "fenpei/explain.h"
#include "fenpei/report.h"
#include "report/json.h"

/* "source": where the table came from — its file, the pages of a PDF, and what a notice's letter
 * states (文号, title, unit, classification codes); only for a table read from a PDF or the text
 * of one. */
static void json_source(FILE *out, const fp_table *t)
{
    fp_origin o;
    fp_table_origin(t, &o);
    if (!o.first_page && !o.doc_number && !o.issuer && !o.ncodes)
        return; /* a plain file: "file" says it all */
    fputs(",\"source\":{\"file\":", out);
    json_string(out, o.file);
    fputs(",\"pages\":", out);
    if (o.first_page)
        fprintf(out, "[%d,%d]", o.first_page, o.last_page);
    else
        fputs("null", out);
    fputs(",\"doc_number\":", out);
    json_string_or_null(out, o.doc_number);
    fputs(",\"title\":", out);
    json_string_or_null(out, o.title);
    fputs(",\"issuer\":", out);
    json_string_or_null(out, o.issuer);
    fputs(",\"unit\":", out);
    json_string_or_null(out, o.unit);
    fputs(",\"codes\":[", out);
    for (size_t i = 0; i < o.ncodes; i++) {
        fputs(i ? "," : "", out);
        json_string(out, o.codes[i]);
    }
    fputs("]}", out);
}

static const char *const change_names[] = {"set", "insert", "delete", "note", "rename"};

/* The cause object: kind, subkind, cells, suggestion (and candidates when ambiguous). */
static void json_cause(FILE *out, const fp_causes *c, const fp_cause *k, const fp_table *t,
                       int with_id)
{
    fputc('{', out);
    if (with_id)
        fprintf(out, "\"id\":%zu,", fp_causes_index(c, k));
    fprintf(out, "\"kind\":\"%s\",\"subkind\":", fp_cause_kind_name(k->kind));
    if (k->subkind != FP_SUBKIND_NONE)
        json_string(out, fp_cause_subkind_name(k->subkind));
    else
        fputs("null", out);
    fputs(",\"cells\":[", out);
    for (size_t i = 0; i < k->ncells; i++) {
        const fp_cause_cell *x = &k->cells[i];
        int text = x->change == FP_CELL_RENAME || x->stated_text;
        fprintf(out, "%s{\"line\":", i ? "," : "");
        if (x->row != FP_NONE)
            fprintf(out, "%ld", fp_table_row_line(t, x->row));
        else
            fputs("null", out);
        fputs(",\"unit\":", out);
        if (x->row != FP_NONE)
            json_string(out, fp_table_row_name(t, x->row));
        else if (k->name)
            json_string(out, k->name);
        else
            fputs("null", out);
        fputs(",\"column\":", out);
        if (x->column != FP_NONE)
            json_string(out, fp_table_column_name(t, x->column));
        else
            fputs("null", out);
        fprintf(out, ",\"change\":\"%s\",\"stated\":", change_names[x->change]);
        if (text) {
            if (x->stated_text)
                json_string(out, x->stated_text);
            else
                fputs("null", out);
            fputs(",\"suggested\":", out);
            if (x->change == FP_CELL_RENAME && x->suggested_text)
                json_string(out, x->suggested_text);
            else
                fputs("null", out);
            if (x->change == FP_CELL_RENAME)
                fprintf(out, ",\"level\":%d", x->level);
        } else {
            json_amount_or_null(out, x->change != FP_CELL_INSERT, x->stated);
            fputs(",\"suggested\":", out);
            json_amount_or_null(out, x->change == FP_CELL_SET || x->change == FP_CELL_INSERT,
                                x->suggested);
            if (x->subkind != FP_SUBKIND_NONE)
                fprintf(out, ",\"subkind\":\"%s\"", fp_cause_subkind_name(x->subkind));
        }
        fputc('}', out);
    }
    fputs("],\"suggestion\":{\"zh\":", out);
    json_string(out, k->text_zh);
    fputs(",\"en\":", out);
    json_string(out, k->text_en);
    fprintf(out, "},\"fixable\":%s", k->fixable ? "true" : "false");
    if (!k->fixable && k->hold != FP_HOLD_NONE) { /* why --fix leaves it alone */
        fprintf(out, ",\"fix_held\":\"%s\",\"fix_held_text\":", fp_fix_hold_name(k->hold));
        json_string(out, fp_fix_hold_text(k->hold, 0));
        fputs(",\"fix_held_text_en\":", out);
        json_string(out, fp_fix_hold_text(k->hold, 1));
    }
    if (k->kind == FP_CAUSE_AMBIGUOUS) {
        fputs(",\"candidates\":[", out);
        for (size_t i = 0; i < k->ncandidates; i++) {
            fputs(i ? "," : "", out);
            json_cause(out, c, k->candidates[i], t, 0);
        }
        fputc(']', out);
    }
    fputc('}', out);
}

fp_error fp_report_write_json(const fp_report *r, const fp_table *t, const fp_check_options *opts,
                              FILE *out)
{
    return fp_report_write_json_explained(r, NULL, t, opts, out);
}

fp_error fp_report_write_json_explained(const fp_report *r, const fp_causes *c, const fp_table *t,
                                        const fp_check_options *opts, FILE *out)
{
    fputs("{\"file\":", out);
    json_string(out, fp_table_source(t));
    fprintf(out, ",\"rows\":%zu,\"unit\":", fp_table_row_count(t));
    if (fp_table_unit(t))
        json_string(out, fp_table_unit(t));
    else
        fputs("null", out);
    json_source(out, t);
    fputs(",\"rules\":[", out);
    int first = 1;
    for (int k = FP_RULE_COLUMN_SUM; k <= FP_RULE_ADVANCE_BATCH; k++)
        if (fp_report_rules(r) & (1u << k)) {
            fprintf(out, "%s\"%s\"", first ? "" : ",", fp_rule_kind_name((fp_rule_kind)k));
            first = 0;
        }
    for (size_t k = 0; opts && k < opts->custom_count; k++) {
        fputs(first ? "" : ",", out);
        json_string(out, fp_rule_text(opts->custom[k]));
        first = 0;
    }
    fprintf(out, "],\"errors\":%zu,\"warnings\":%zu,\"findings\":[", fp_report_errors(r),
            fp_report_warnings(r));
    for (size_t i = 0; i < fp_report_count(r); i++) {
        const fp_finding *f = fp_report_finding(r, i);
        fprintf(out, "%s\n{\"rule\":\"%s\",\"severity\":\"%s\",\"line\":%ld,\"unit\":",
                i ? "," : "", fp_rule_kind_name(f->rule),
                f->severity == FP_SEVERITY_ERROR ? "error" : "warning",
                fp_table_row_line(t, f->row));
        json_string(out, fp_table_row_name(t, f->row));
        fputs(",\"path\":[", out);
        size_t path[256];
        size_t n = fp_table_path(t, f->row, path, 256);
        for (size_t k = 0; k < n && k < 256; k++) {
            fputs(k ? "," : "", out);
            json_string(out, fp_table_row_name(t, path[k]));
        }
        fputs("],\"column\":", out);
        if (f->column != FP_NONE)
            json_string(out, fp_table_column_name(t, f->column));
        else
            fputs("null", out);
        int identity = f->rule <= FP_RULE_CUSTOM || f->rule == FP_RULE_ROUNDING_RESIDUE;
        fputs(",\"expected\":", out);
        if (identity)
            json_amount(out, f->expected);
        else
            fputs("null", out);
        fputs(",\"actual\":", out);
        if (f->rule != FP_RULE_EMPTY_ROW && f->rule != FP_RULE_UNREADABLE &&
            f->rule != FP_RULE_LABEL_SHIFT)
            json_amount(out, f->actual);
        else
            fputs("null", out);
        fputs(",\"difference\":", out);
        if (identity)
            json_amount(out, f->difference);
        else
            fputs("null", out);
        if (f->rule == FP_RULE_ROUNDING_RESIDUE)
            fprintf(out, ",\"identity\":\"%s\"", fp_rule_kind_name(f->identity));
        if (f->rule == FP_RULE_UNREADABLE) {
            fputs(",\"text\":", out);
            json_string(out, fp_table_text(t, f->row, f->column));
        }
        fp_label_shift sh;
        if (f->rule == FP_RULE_LABEL_SHIFT && fp_label_shift_at(t, f->row, &sh)) {
            /* the numbers of these lines belong to these names (null: lost, not told) */
            fputs(",\"realign\":[", out);
            for (size_t k = sh.first; k <= sh.last; k++) {
                fprintf(out, "%s{\"line\":%ld,\"name\":", k == sh.first ? "" : ",",
                        fp_table_row_line(t, k));
                const char *nm = k < sh.last ? fp_table_row_name(t, k + 1) : sh.lost;
                if (nm)
                    json_string(out, nm);
                else
                    fputs("null", out);
                fputc('}', out);
            }
            fprintf(out, "],\"ambiguous\":%s,\"by_order\":%s", sh.ambiguous ? "true" : "false",
                    sh.by_order ? "true" : "false");
            if (sh.ambiguous || sh.by_order)
                fprintf(out, ",\"or_last_line\":%ld", fp_table_row_line(t, sh.last_alt));
        }
        if (f->identity == FP_RULE_CUSTOM && opts && f->custom < opts->custom_count) {
            fputs(",\"rule_text\":", out);
            json_string(out, fp_rule_text(opts->custom[f->custom]));
        }
        const fp_cause *k = fp_causes_of_finding(c, i);
        if (k && f->severity == FP_SEVERITY_ERROR) {
            fputs(",\"cause\":", out);
            json_cause(out, c, k, t, 1);
        }
        fputc('}', out);
    }
    fputc(']', out);
    int notes = 0;
    for (size_t i = 0; i < fp_causes_count(c); i++) {
        const fp_cause *k = fp_causes_get(c, i);
        if (!fp_cause_is_note(c, k))
            continue;
        fputs(notes++ ? ",\n" : ",\"notes\":[\n", out);
        json_cause(out, c, k, t, 1);
    }
    if (notes)
        fputc(']', out);
    fputs("}\n", out);
    return ferror(out) ? FP_ERR_IO : FP_OK;
}
