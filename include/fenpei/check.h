/* fenpei/check.h — the balance identities of a table, and the findings where they fail. */
#ifndef FENPEI_CHECK_H
#define FENPEI_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "fenpei/amount.h"
#include "fenpei/error.h"
#include "fenpei/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The kinds of finding. The first four are identities; the rest are warnings. */
typedef enum fp_rule_kind {
    FP_RULE_COLUMN_SUM = 0,   /* parent = Σ children, every amount column */
    FP_RULE_CATEGORY_SPLIT,   /* year total = Σ categories, every row */
    FP_RULE_ADVANCE_BATCH,    /* year total = 已提前下达 + 此次下达, every row */
    FP_RULE_CUSTOM,           /* a user's --rule, every row */
    FP_RULE_CLAWBACK,         /* 此次下达 < 0 (收回): a warning */
    FP_RULE_NEGATIVE,         /* a negative amount elsewhere: a warning */
    FP_RULE_EMPTY_ROW,        /* a row with no amount at all: a warning */
    FP_RULE_ROUNDING_RESIDUE, /* an identity off by no more than the tolerance: a warning */
    FP_RULE_UNREADABLE,       /* a damaged cell read as blank (notice text): a warning */
    FP_RULE_LABEL_SHIFT,      /* names one row away from their numbers (gazetteer): a warning */
    FP_RULE_MAX
} fp_rule_kind;

/** Stable name of a rule: "column-sum", "category-split", … */
const char *fp_rule_kind_name(fp_rule_kind kind);

typedef enum fp_severity { FP_SEVERITY_ERROR = 0, FP_SEVERITY_WARNING } fp_severity;

/** Bits of fp_check_options.rules: which built-in identities to check. */
#define FP_CHECK_COLUMN_SUM (1u << FP_RULE_COLUMN_SUM)
#define FP_CHECK_CATEGORY_SPLIT (1u << FP_RULE_CATEGORY_SPLIT)
#define FP_CHECK_ADVANCE_BATCH (1u << FP_RULE_ADVANCE_BATCH)
#define FP_CHECK_WARNINGS (1u << FP_RULE_CLAWBACK)
#define FP_CHECK_ALL (FP_CHECK_COLUMN_SUM | FP_CHECK_CATEGORY_SPLIT | FP_CHECK_ADVANCE_BATCH | \
                      FP_CHECK_WARNINGS)

/** A user's linear rule such as "总额 = 财政拨款 + 其他资金", bound to a table's columns.
 *  Made by fp_rule_parse, freed by fp_rule_free. */
typedef struct fp_rule fp_rule;

/** Parse TEXT ("A = B + C - D"; either side a sum or difference of column headers) against the
 *  columns of T into *OUT (caller frees with fp_rule_free). Every named column must be an amount
 *  column of T. */
fp_error fp_rule_parse(const fp_table *t, const char *text, fp_rule **out, fp_diag *diag);
/** The rule's text as given. */
const char *fp_rule_text(const fp_rule *rule);
/** The first column of the rule's left-hand side (where its findings are reported). */
size_t fp_rule_column(const fp_rule *rule);
/** Free RULE. Accepts NULL. */
void fp_rule_free(fp_rule *rule);

typedef struct fp_check_options {
    unsigned rules;               /* FP_CHECK_* bits; FP_CHECK_ALL by default */
    fp_amount tolerance;          /* |difference| ≤ tolerance passes as rounding-residue */
    const fp_rule *const *custom; /* user rules, checked on every row */
    size_t custom_count;
} fp_check_options;

/** Fill OPTS with the defaults: every built-in rule, tolerance 0, no user rules. */
void fp_check_options_init(fp_check_options *opts);

/** One place where the table does not add up. */
typedef struct fp_finding {
    fp_rule_kind rule;      /* what failed */
    fp_rule_kind identity;  /* for FP_RULE_ROUNDING_RESIDUE: the identity that was off; else = rule */
    fp_severity severity;
    size_t row;             /* the row whose stated value is compared */
    size_t column;          /* the column of that value */
    size_t custom;          /* for custom rules: index into fp_check_options.custom; else FP_NONE */
    fp_amount expected;     /* the computed value */
    fp_amount actual;       /* the stated value */
    fp_amount difference;   /* actual - expected */
} fp_finding;

/** The findings of one check, ordered by row, then rule, then column. Freed by fp_report_free. */
typedef struct fp_report fp_report;

/** Check every identity selected by OPTS (NULL: defaults) on T. *OUT receives the report (caller
 *  frees with fp_report_free), even when it holds errors: findings are results, not failures.
 *  Fails only when out of memory or when a sum overflows fp_amount. */
fp_error fp_check(const fp_table *t, const fp_check_options *opts, fp_report **out,
                  fp_diag *diag);

/** A run of names one row late against their numbers: rows FIRST … LAST-1 carry the names of
 *  rows FIRST+1 … LAST (the first row of the run has no name, or the name of the row above it),
 *  and the name of row LAST was lost. */
typedef struct fp_label_shift {
    size_t first, last;
    const char *lost;          /* row LAST's name (gazetteer), in the form the table's other
                                  rows use (博州, 木垒县, a former name); NULL when it cannot be
                                  told: no division, or several, or a former name in doubt */
    int lost_sure;             /* 1 when LOST's form is no guess: it has one form, or the table
                                  writes every division with two forms in one of them */
    const char *lost_division; /* the official name of the division lost, or NULL */
    int ambiguous;             /* another end of the run fits as well (LAST_ALT) */
    int by_order;              /* another end (LAST_ALT) fits as well and is second only by the
                                  order of the division codes, which the table does not keep
                                  elsewhere (it lists two of its rows against their codes) */
    size_t last_alt;           /* FP_NONE unless ambiguous or by_order */
} fp_label_shift;

/** The label shift that starts at ROW of T, where fp_check puts its FP_RULE_LABEL_SHIFT warning
 *  (the one detection the report and the causes use): 1 with *OUT filled when the names from
 *  ROW on fit their places in the tree (by the gazetteer) clearly better realigned, 0 when not.
 *  The end is the one whose names fit best and keep the code order of the rows best. */
int fp_label_shift_at(const fp_table *t, size_t row, fp_label_shift *out);

size_t fp_report_count(const fp_report *r);
const fp_finding *fp_report_finding(const fp_report *r, size_t i);
size_t fp_report_errors(const fp_report *r);
size_t fp_report_warnings(const fp_report *r);
/** The rules that were checked (FP_CHECK_* bits). */
unsigned fp_report_rules(const fp_report *r);
void fp_report_free(fp_report *r);

#ifdef __cplusplus
}
#endif
#endif
