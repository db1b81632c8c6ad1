/* fenpei/report.h — the findings of a check (and their causes) written for people, as text in Chinese or English, and as JSON. */
#ifndef FENPEI_REPORT_H
#define FENPEI_REPORT_H

#include <stdio.h>

#include "fenpei/check.h"
#include "fenpei/explain.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output language of the written reports. */
typedef enum fp_lang { FP_LANG_ZH = 0, FP_LANG_EN } fp_lang;

/** Write R (made from T with OPTS) as a readable report, one line per finding grouped by unit,
 *  and a summary line, to OUT. */
fp_error fp_report_write_text(const fp_report *r, const fp_table *t, const fp_check_options *opts,
                              fp_lang lang, FILE *out);

/** Write R as the JSON object {file, rows, rules, findings} described in docs/check.md. */
fp_error fp_report_write_json(const fp_report *r, const fp_table *t, const fp_check_options *opts,
                              FILE *out);


/** As fp_report_write_text, with the cause of each finding on a line of its own
 *  ("可能原因：…" / "likely cause: …"). C may be NULL (no causes). */
fp_error fp_report_write_text_explained(const fp_report *r, const fp_causes *c, const fp_table *t,
                                        const fp_check_options *opts, fp_lang lang, FILE *out);
/** As fp_report_write_json, each explained finding with a "cause" object (docs/causes.md). */
fp_error fp_report_write_json_explained(const fp_report *r, const fp_causes *c, const fp_table *t,
                                        const fp_check_options *opts, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
