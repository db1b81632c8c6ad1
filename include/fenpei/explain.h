/* fenpei/explain.h — why the identities of a table fail (the likely causes), and the table with the fixes applied. */
#ifndef FENPEI_EXPLAIN_H
#define FENPEI_EXPLAIN_H

#include <stddef.h>

#include "fenpei/check.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The likely cause of failing identities. */
typedef enum fp_cause_kind {
    FP_CAUSE_TYPO = 0,         /* one cell (or a few) mistyped */
    FP_CAUSE_MISPLACED_CELL,   /* a cell in the wrong column of its row */
    FP_CAUSE_MISSING_ROW,      /* a row lost (e.g. at a page break) */
    FP_CAUSE_EXTRA_ROW,        /* a row too many: a duplicate, or a row counted twice */
    FP_CAUSE_LABEL_SHIFT,      /* names (and levels) one row late against their numbers */
    FP_CAUSE_SPLIT_ROW,        /* one unit's cells spread over consecutive lines */
    FP_CAUSE_ROUNDING_RESIDUE, /* small differences left by rounding each part on its own (尾差) */
    FP_CAUSE_WRONG_PARENT,     /* a row listed under a parent it does not belong to */
    FP_CAUSE_AMBIGUOUS,        /* several explanations fit equally well: see candidates */
    FP_CAUSE_MAX
} fp_cause_kind;

/** Finer kinds: of a typo (per cell), of an extra row, of a misplaced cell. */
typedef enum fp_cause_subkind {
    FP_SUBKIND_NONE = 0,
    FP_SUBKIND_TRANSPOSITION, /* typo: two adjacent digits swapped (142 → 124) */
    FP_SUBKIND_DIGIT,         /* typo: one digit wrong (142 → 152) */
    FP_SUBKIND_SIGN,          /* typo: the sign wrong (142 → -142) */
    FP_SUBKIND_BLANK,         /* typo: the cell left blank (a lost cell) */
    FP_SUBKIND_DUPLICATE,     /* extra row: the same unit twice */
    FP_SUBKIND_DOUBLE_COUNTED,/* extra row: a 其中 row or a subtotal counted with its parts */
    FP_SUBKIND_SWAP,          /* misplaced cell: two cells of a row exchanged */
    FP_SUBKIND_SUBTOTAL_ROW,  /* rounding residue: put on one subtotal row, which then disagrees
                                 with its rows and with its parent; the row's own identities hold */
    FP_SUBKIND_MAX
} fp_cause_subkind;

/** Stable names: "typo", "misplaced-cell", "missing-row", "extra-row", "label-shift",
 *  "split-row", "rounding-residue", "wrong-parent", "ambiguous"; subkinds "transposition",
 *  "digit", "sign", "blank", "duplicate", "double-counted", "swap", "subtotal-row" ("" for
 *  none). */
const char *fp_cause_kind_name(fp_cause_kind kind);
const char *fp_cause_subkind_name(fp_cause_subkind subkind);

/** What a cause says about one cell. */
typedef enum fp_cell_change {
    FP_CELL_SET = 0, /* the cell should read SUGGESTED instead of STATED */
    FP_CELL_INSERT,  /* a cell of a row to insert (ROW is FP_NONE): SUGGESTED */
    FP_CELL_DELETE,  /* a cell of a row to remove: STATED */
    FP_CELL_NOTE,    /* a cell the cause involves, with no change suggested */
    FP_CELL_RENAME   /* the name cell of ROW should read SUGGESTED_TEXT (and its level LEVEL) */
} fp_cell_change;

typedef struct fp_cause_cell {
    fp_cell_change change;
    size_t row;              /* the table's row, or FP_NONE for a row to insert */
    size_t column;           /* an amount column, or the name column */
    fp_amount stated;        /* amount cells: as the table has it */
    fp_amount suggested;     /* amount cells: what would make the identities hold */
    const char *stated_text; /* name cells (FP_CELL_RENAME, FP_CELL_INSERT of a name): or NULL */
    const char *suggested_text;
    int level;               /* FP_CELL_RENAME: the depth the row should have (0 = top) */
    fp_cause_subkind subkind;/* typo cells: transposition, digit, sign, blank or none */
} fp_cause_cell;

/** Why fp_causes_fix leaves a cause alone (FP_HOLD_NONE: it applies it). */
typedef enum fp_fix_hold {
    FP_HOLD_NONE = 0,
    FP_HOLD_AMBIGUOUS, /* several explanations fit equally well */
    FP_HOLD_RESIDUE,   /* a rounding residue: which rows take the units is a choice */
    FP_HOLD_PARTIAL,   /* a failure it is connected to is left unexplained, ambiguous or a residue:
                          the change would rest on a choice */
    FP_HOLD_NAME,      /* a row to insert whose name's form (full, short or former name) the table
                          does not tell */
    FP_HOLD_NOTE,      /* a note (no finding) that changes no cell, or a change not yet applicable */
    FP_HOLD_ORDER,     /* a label shift whose end only the order of the division codes tells, an
                          order the table does not keep elsewhere */
    FP_HOLD_MAX
} fp_fix_hold;

/** Stable names ("", "ambiguous", "residue", "partial", "name", "note", "order") and one sentence (EN 0:
 *  Chinese, 1: English) saying why --fix left a cause alone; static strings. */
const char *fp_fix_hold_name(fp_fix_hold hold);
const char *fp_fix_hold_text(fp_fix_hold hold, int en);

/** One explanation. Owned by the fp_causes it came from. */
typedef struct fp_cause fp_cause;
struct fp_cause {
    fp_cause_kind kind;
    fp_cause_subkind subkind;
    const fp_cause_cell *cells; /* the cells involved and the values suggested */
    size_t ncells;
    size_t row;         /* the row the cause is about: the cell's, the extra or moved row, the first
                           line of a split row or of a shifted run; the parent of a missing row */
    size_t row_end;     /* the last row of a shifted run or of a split row; else = row */
    size_t parent;      /* missing row: its parent; wrong parent: where the row belongs (FP_NONE
                           when that parent is not in the table); else FP_NONE */
    size_t before;      /* missing or moved row: the row it goes before (FP_NONE: at the end of
                           PARENT's rows) */
    const char *name;   /* missing row: the unit's likely name (gazetteer), or NULL */
    int fixable;        /* 1 when fp_causes_fix applies it: the unique simplest explanation of every
                           failure it is connected to (never an ambiguous cause, a rounding residue
                           spread over rows, nor a change beside a failure left unexplained) */
    const char *text_zh;/* one sentence for people: what is wrong and what to change */
    const char *text_en;
    const fp_cause *const *candidates; /* FP_CAUSE_AMBIGUOUS: the explanations that fit */
    size_t ncandidates;
    fp_fix_hold hold;   /* not fixable: why fp_causes_fix leaves it alone; else FP_HOLD_NONE */
};

/** The causes found for one report. Made by fp_explain, freed by fp_causes_free. */
typedef struct fp_causes fp_causes;

/** Explain the error findings of R (made from T with OPTS; NULL: defaults): treat the table as one
 *  system of balance identities and find, for each failing identity, the simplest change that
 *  makes it and every identity it touches hold (typo, misplaced cell, missing/extra row, label
 *  shift, split row, rounding residue, wrong parent), or say that several fit. Also flags, as
 *  causes without findings (notes), counties listed under a prefecture they do not belong to and
 *  names one row late while the sums hold. Exact
 *  integer arithmetic; a table without errors costs one pass over its parent rows. The caller
 *  frees *OUT with fp_causes_free. Fails only when out of memory. */
fp_error fp_explain(const fp_table *t, const fp_report *r, const fp_check_options *opts,
                    fp_causes **out, fp_diag *diag);
/** Number of causes, and the I-th: those that explain findings in table order, then the notes. */
size_t fp_causes_count(const fp_causes *c);
const fp_cause *fp_causes_get(const fp_causes *c, size_t i);
/** The cause of finding I of the report, or NULL when none was found (or it is a warning). */
const fp_cause *fp_causes_of_finding(const fp_causes *c, size_t i);
/** Index of CAUSE in fp_causes_get order (FP_NONE for a candidate of an ambiguous cause). */
size_t fp_causes_index(const fp_causes *c, const fp_cause *cause);
/** 1 when CAUSE explains no finding: every sum holds, but a county is listed under a prefecture
 *  it does not belong to, or the names are one row late (the notice layout rebuilds the tree
 *  from the sums, so a label shift leaves only the names wrong). */
int fp_cause_is_note(const fp_causes *c, const fp_cause *cause);
void fp_causes_free(fp_causes *c);

/** A copy of T with every fixable cause of C applied (cells set, rows inserted, removed, moved,
 *  merged or renamed; of the notes, the label shifts), stored in *OUT (caller frees with
 *  fp_table_free); *APPLIED (may be NULL) gets how many causes were applied. The copy is
 *  canonical: rows in tree order, a 级次 column first if T had none. T must be the table C was
 *  made from. */
fp_error fp_causes_fix(const fp_table *t, const fp_causes *c, fp_table **out, size_t *applied,
                       fp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
