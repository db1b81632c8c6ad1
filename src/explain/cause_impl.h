/* explain/cause_impl.h — the cause engine's private types and the helpers its stages share. */
#ifndef FENPEI_EXPLAIN_CAUSE_IMPL_H
#define FENPEI_EXPLAIN_CAUSE_IMPL_H

/* The cause engine (fp_explain, fp_causes_fix): the likely cause of each failing identity, and the
 * table with the fixes applied. Its stages: engine.c (helpers), candidates_*.c (hypotheses by kind),
 * cover.c (the choice), explain.c (set-up, phases, the causes), report/cause_text.c (sentences),
 * fix.c (the fixed table).
 *
 * The table is one system of balance identities: every amount cell takes part in its row's
 * identities (category split, advance + batch, user rules) and in one column identity per level
 * (as a part of its parent's sum, and as the sum of its own rows). A fault leaves a pattern of
 * residuals (stated − computed) on the identities it touches. fp_explain generates candidate
 * explanations ("hypotheses") from the failing identities — each a small change to the table that
 * makes every identity it touches hold exactly — and picks, per connected group of failing
 * identities, the cheapest set of hypotheses that explains them all without overlap (an exact
 * cover; fewest changes first). When several sets are equally cheap the cause is ambiguous and
 * the candidates are given instead of a guess. All arithmetic is exact (int64 values, 128-bit
 * sums). Work is proportional to the table only where a hypothesis must be checked against a
 * block of rows (label shifts), and bounded by a budget; a table without errors is not looked
 * at beyond one pass over its names (notes: a county under the wrong prefecture, names one row
 * late while the sums hold). fp_causes_fix writes the table with the fixes applied as canonical
 * CSV in memory and loads it back. docs/causes.md tells the whole story. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/explain.h"
#include "fenpei/report.h"
#include "places/gazetteer.h"
#include "check/rule_impl.h"
#include "core/table_impl.h"
#include "util/buf.h"

#include "util/int128.h"

/* Costs of the explanations, in points: the fewest changed cells or rows win. A rounding
 * residue is a weaker explanation than one exact change; leaving an error unexplained costs
 * more than any single explanation. */
enum {
    COST_EVENT = 4,       /* one change: a cell, a swap, a row lost, added, moved, split, shifted */
    COST_EVIDENCE = 3,    /* the same, backed by names (a duplicate name, the gazetteer) */
    COST_AGAINST = 5,     /* the same, contradicted by names */
    COST_RESIDUE = 6,     /* a block of small differences */
    COST_CELL = 1,        /* each further cell of one row's change (a subtotal row put back) */
    COST_UNEXPLAINED = 20 /* an error finding left without a cause */
};

/* Work budget (cell operations) for the block checks of label shifts, per row of the table. */
#define BUDGET_PER_ROW 64
#define BUDGET_MIN 4000000ULL
/* Rows a label shift may run for, and candidates kept for one ambiguous cause. */
#define SHIFT_WINDOW 48
#define MAX_CANDIDATES 16
/* Exact-cover search: nodes per connected group, optimal solutions kept. */
#define SOLVE_NODES 200000
#define SOLVE_KEEP 16

typedef struct term {
    size_t j;  /* index into acols */
    int coef;  /* +1, -1 (or more when a rule names a column twice) */
} term;

/* One row identity: Σ coef × cell = 0 on every row. */
typedef struct form {
    fp_rule_kind rule;
    size_t custom;   /* custom rules: index into the options' rules */
    term *terms;
    size_t nterms;
    int sign;        /* residual = the finding's difference × sign */
    fp_amount unit;  /* the coarsest unit its columns are written in */
    size_t parts;    /* terms on the computed side: how many rounded parts can differ */
} form;

/* An identity: a row identity (type 0: form IDX on ROW) or a column identity (type 1: the sum of
 * ROW's rows in amount column IDX). */
typedef struct ident {
    size_t row;
    int type;
    size_t idx;
} ident;

/* A change of one cell: amount column J (index into acols) of ROW by D. */
typedef struct delta {
    size_t row, j;
    i128 d;
} delta;

typedef struct hyp {
    fp_cause_kind kind;
    fp_cause_subkind sub;
    int cost;
    size_t *cover; /* the failing identities it explains: finding indices, ascending */
    size_t ncover;
    fp_cause_cell *cells;
    size_t ncells, cellcap;
    size_t row, row_end, parent, from, before;
    int level_end;    /* label shift: the depth the last row of the run gets */
    const char *name; /* a missing row's (or a shifted run's lost) name: static or the table's */
    int fixable;
    fp_fix_hold hold; /* not fixable: why (FP_HOLD_NONE: by its kind) */
    int dead;         /* a duplicate of an earlier hypothesis */
} hyp;

typedef struct engine {
    const fp_table *t;
    const fp_report *r;
    const fp_check_options *o;
    int oom;
    size_t na;
    size_t *acols;     /* the amount columns */
    size_t *apos;      /* by table column: index into acols, or FP_NONE */
    fp_amount *unit;   /* per amount column: 10^-decimals of the table's unit, in fp_amount */
    form *forms;
    size_t nforms;
    int *coef;         /* nforms × na */
    int colsums;       /* column sums were checked */
    size_t nf;
    unsigned char *fkind; /* per finding: 0 not an identity, 1 an error, 2 a residue warning */
    hyp *h;
    size_t nh, hcap;
    unsigned long long work, budget;
    int seq_order;     /* rows are in pre-order in the file (a 级次 table): lines are adjacent */
} engine;

/* A failing parent whose gap is a consistent row: kept for pairing a row missing here with a row
 * too many there (a row under the wrong parent). */
typedef struct gap {
    size_t p;
    i128 *v; /* na values */
} gap;

/* What the solver decided for one identity: a hypothesis, several (ambiguous), or none. */
typedef struct decision {
    size_t finding;
    size_t n;     /* 0 unexplained, 1 explained by h, 2 ambiguous: see group */
    size_t h;
    size_t group; /* ambiguous: index into the groups, else FP_NONE */
} decision;

/* Identities whose explanation differs between equally cheap readings: each candidate is the
 * set of hypotheses one reading uses for them. */
typedef struct amb_group {
    size_t ncand;
    size_t *cand[SOLVE_KEEP];
    size_t len[SOLVE_KEEP];
} amb_group;

/* ---- the causes ---- */

typedef struct cause_rec {
    fp_cause c;          /* first: a cause_rec * is a fp_cause * */
    size_t *cover;       /* the findings it explains */
    size_t ncover;
    int note;            /* explains no finding */
    size_t index;        /* place in fp_causes_get order; FP_NONE for a candidate */
    const fp_cause **cand;
} cause_rec;

struct fp_causes {
    cause_rec **list;
    size_t n, cap;
    cause_rec **extra; /* candidates of ambiguous causes */
    size_t nextra, extracap;
    size_t *of;        /* by finding: index into list, or FP_NONE */
    size_t nf;
    size_t nrows;
};


static inline i128 abs128(i128 v) { return v < 0 ? -v : v; }

/* engine.c */
int ex_blank(const engine *E, size_t row, size_t j);
fp_amount ex_cell(const engine *E, size_t row, size_t j);
size_t ex_child_count(const engine *E, size_t p);
int ex_col_failing(const engine *E, size_t row);
i128 ex_col_res(const engine *E, size_t p, size_t j);
void ex_cover_row(engine *E, hyp *h, size_t row, int forms, int cols);
i128 ex_form_res(const engine *E, size_t row, size_t k);
int ex_has_children(const engine *E, size_t row);
fp_cause_cell *ex_hyp_cell(engine *E, hyp *h, fp_cell_change change, size_t row, size_t col);
void ex_hyp_drop_last(engine *E);
hyp *ex_hyp_new(engine *E, fp_cause_kind kind, fp_cause_subkind sub, int cost);
void ex_hyp_note_cells_of_cover(engine *E, hyp *h);
void ex_hyp_set(engine *E, hyp *h, size_t row, size_t j, fp_amount stated, fp_amount suggested,
                    fp_cause_subkind sub);
const char *ex_name_of(const engine *E, size_t row);
/* The first finding at or after ROW (findings are ordered by row). */
size_t ex_row_first(const engine *E, size_t row);
size_t ex_parent_of(const engine *E, size_t row);
int ex_set_add(size_t **v, size_t *n, size_t *cap, size_t i);
int ex_verify(engine *E, const delta *d, size_t nd, size_t **cover, size_t *ncover);

/* candidates_cell.c */
void ex_add_typo(engine *E, const delta *d, size_t nd, fp_cause_kind kind, int cost);
int ex_county_within(const engine *E, size_t row, int p);
void ex_gen_row(engine *E, size_t r);
int ex_in_range(const engine *E, size_t row, size_t j, i128 d);
int ex_missing_county(const engine *E, size_t p, size_t *before);
int ex_place_parent(const engine *E, size_t row);
int ex_place_parent_named(const char *name);
int ex_starts_with(const char *s, const char *prefix);

/* candidates_row.c */
void ex_gen_moves(engine *E, const gap *gaps, size_t ngaps);
void ex_gen_parent(engine *E, size_t p, gap **gaps, size_t *ngaps, size_t *gapcap);
int ex_is_subtotal_name(const char *s);

/* candidates_shift.c */
void ex_gen_shifts(engine *E);
int ex_place_notes(const fp_table *t, const fp_report *rep, fp_causes *C);
int ex_shift_notes(const fp_table *t, const fp_report *r, fp_causes *C);

/* candidates_combo.c */
void ex_gen_combos(engine *E, const unsigned char *covered);
size_t ex_uf_find(size_t *up, size_t x);
void ex_uf_union(size_t *up, size_t a, size_t b);

/* cover.c */
fp_error ex_decide(engine *E, decision **out, size_t *nout, amb_group **gout, size_t *ngout);
void ex_groups_free(amb_group *g, size_t n);

/* cause_text.c */
void ex_hyp_text(strbuf *b, const engine *E, const hyp *h, int en);
void ex_text_shift(strbuf *b, const engine *E, const hyp *h, int en);

/* explain.c */
int ex_push_rec(cause_rec ***v, size_t *n, size_t *cap, cause_rec *c);

#endif
