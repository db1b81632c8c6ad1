/* report/json.h — the JSON string and amount writers the reports share (private). */
#ifndef FENPEI_REPORT_JSON_H
#define FENPEI_REPORT_JSON_H

#include <stdio.h>

#include "fenpei/amount.h"

/* S as a JSON string, escaped. */
void json_string(FILE *out, const char *s);
/* An amount as a JSON string of its exact decimal text ("3327", "5141.32"). */
void json_amount(FILE *out, fp_amount v);

#endif
