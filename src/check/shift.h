/* check/shift.h — the label-shift detection's helpers that the causes share (private). */
#ifndef FENPEI_CHECK_SHIFT_H
#define FENPEI_CHECK_SHIFT_H

#include "fenpei/table.h"

/* The name of gazetteer entry E in the form the other rows of T use (short, official, former),
 * or NULL when that cannot be told (a renamed division, the table showing no era). */
const char *ck_lost_form(const fp_table *t, int e);

/* 1 when row A may start a label shift: it has no name or the name of the row above, and the
 * rows after it name divisions the gazetteer knows. */
int ck_shift_start(const fp_table *t, size_t a);

#endif
