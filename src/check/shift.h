/* check/shift.h — the label-shift detection's helpers that the causes share (private). */
#ifndef FENPEI_CHECK_SHIFT_H
#define FENPEI_CHECK_SHIFT_H

#include "fenpei/table.h"

/* The name of gazetteer entry E, lost from T, in the form T would write it (short, official,
 * former; E's siblings under row PARENT first, FP_NONE: none known), or NULL when that cannot be
 * told (a renamed division, the table showing no era). *SURE (NULL: not wanted) is 1 when the
 * form is no guess. The one rule for a missing row's name and a label shift's lost name. */
const char *ck_lost_form(const fp_table *t, int e, size_t parent, int *sure);

/* 1 when T lists the rows outside LO … HI-1 in the order tables list divisions
 * (gz_listing_code) under each parent: no two named siblings in a row against it. A table that
 * does not (the 2024 notice lists 阿瓦提县 before 乌什县) cannot tell a label shift's end by that
 * order: a run whose end only the order tells is then not fixed (FP_HOLD_ORDER). */
int ck_keeps_order(const fp_table *t, size_t lo, size_t hi);

/* 1 when row A may start a label shift: it has no name or the name of the row above, and the
 * rows after it name divisions the gazetteer knows. */
int ck_shift_start(const fp_table *t, size_t a);

#endif
