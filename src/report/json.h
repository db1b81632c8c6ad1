/* report/json.h — the one JSON writer of the reports: strings, amounts, nulls (private). */
#ifndef FENPEI_REPORT_JSON_H
#define FENPEI_REPORT_JSON_H

#include <stdio.h>

#include "fenpei/amount.h"

/* S as a JSON string, escaped. */
void json_string(FILE *out, const char *s);
/* An amount as a JSON string of its exact decimal text ("3327", "5141.32"). */
void json_amount(FILE *out, fp_amount v);
/* json_amount when HAS, else null. */
void json_amount_or_null(FILE *out, int has, fp_amount v);
/* json_string, or null when S is NULL. */
void json_string_or_null(FILE *out, const char *s);
/* json_string, or null when S is NULL or empty. */
void json_text_or_null(FILE *out, const char *s);

#endif
