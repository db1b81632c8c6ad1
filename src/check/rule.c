/* check/rule.c — parse a user's linear balance rule such as "总额 = 财政拨款 + 其他资金". */
#include <stdlib.h>
#include <string.h>

#include "check/rule_impl.h"
#include "util/buf.h"

/* Operator at S: '=', '+', '-' (ASCII or full-width ＝ ＋ －), with its byte length in *N. */
static int op_at(const char *s, size_t *n)
{
    if (*s == '=' || *s == '+' || *s == '-') {
        *n = 1;
        return *s;
    }
    if (strncmp(s, "＝", strlen("＝")) == 0) {
        *n = strlen("＝");
        return '=';
    }
    if (strncmp(s, "＋", strlen("＋")) == 0) {
        *n = strlen("＋");
        return '+';
    }
    if (strncmp(s, "－", strlen("－")) == 0) {
        *n = strlen("－");
        return '-';
    }
    return 0;
}

static fp_error syntax(fp_diag *diag, const fp_table *t, const char *text, const char *why)
{
    return diag_set(diag, FP_ERR_RULE_SYNTAX, fp_table_source(t), 0, NULL, text, strlen(text),
                    "rule \"%s\": %s; expected e.g. \"总额 = 财政拨款 + 其他资金\"", text, why);
}

fp_error fp_rule_parse(const fp_table *t, const char *text, fp_rule **out, fp_diag *diag)
{
    *out = NULL;
    fp_rule *r = calloc(1, sizeof *r);
    size_t cap = 0;
    if (!r || !(r->text = strdup(text))) {
        free(r);
        return diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
    }
    fp_error e = FP_OK;
    int side = 0, sign = 1, expect_term = 1, equals = 0;
    const char *s = text;
    while (*s && !e) {
        size_t n;
        int op;
        if (*s == ' ' || *s == '\t') {
            s++;
            continue;
        }
        if ((op = op_at(s, &n)) != 0) {
            if (op == '=') {
                if (expect_term || equals++)
                    e = syntax(diag, t, text, equals > 1 ? "more than one '='" : "a term is missing");
                side = 1;
                sign = 1;
                expect_term = 1;
            } else if (expect_term) {
                if (op == '-')
                    sign = -sign;
            } else {
                sign = op == '-' ? -1 : 1;
                expect_term = 1;
            }
            s += n;
            continue;
        }
        if (!expect_term) {
            e = syntax(diag, t, text, "two column names without '+' or '-' between them");
            break;
        }
        /* A column name: quoted, or up to the next operator, trailing spaces dropped. */
        const char *start = s, *end;
        if (*s == '"') {
            start = ++s;
            while (*s && *s != '"')
                s++;
            if (!*s) {
                e = syntax(diag, t, text, "a quote is not closed");
                break;
            }
            end = s++;
        } else {
            while (*s && !op_at(s, &n))
                s++;
            end = s;
            while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
        }
        char *name = strndup(start, (size_t)(end - start));
        if (!name) {
            e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            break;
        }
        size_t col = fp_table_find_column(t, name);
        if (col == FP_NONE)
            e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, name, name, strlen(name),
                         "rule \"%s\": no column is headed \"%s\"", text, name);
        else if (!fp_table_column_is_amount(t, col))
            e = diag_set(diag, FP_ERR_COLUMN, fp_table_source(t), 0, name, name, strlen(name),
                         "rule \"%s\": column \"%s\" does not hold amounts", text, name);
        free(name);
        if (e)
            break;
        if (buf_reserve((void **)&r->terms, &cap, r->nterms + 1, sizeof *r->terms)) {
            e = diag_set(diag, FP_ERR_NOMEM, NULL, 0, NULL, NULL, 0, "out of memory");
            break;
        }
        r->terms[r->nterms++] = (rule_term){col, sign, side};
        expect_term = 0;
        sign = 1;
    }
    if (!e && (!equals || expect_term))
        e = syntax(diag, t, text, !equals ? "no '='" : "a term is missing");
    if (e) {
        fp_rule_free(r);
        return e;
    }
    *out = r;
    return FP_OK;
}

const char *fp_rule_text(const fp_rule *rule) { return rule->text; }
size_t fp_rule_column(const fp_rule *rule) { return rule->terms[0].col; }

void fp_rule_free(fp_rule *rule)
{
    if (!rule)
        return;
    free(rule->text);
    free(rule->terms);
    free(rule);
}
