/* fenpei/fenpei.h — the whole public API of libfenpei in one include. */
#ifndef FENPEI_FENPEI_H
#define FENPEI_FENPEI_H

#include "fenpei/amount.h"
#include "fenpei/apportion.h"
#include "fenpei/check.h"
#include "fenpei/explain.h"
#include "fenpei/report.h"
#include "fenpei/docx.h"
#include "fenpei/compare.h"
#include "fenpei/error.h"
#include "fenpei/letter.h"
#include "fenpei/package.h"
#include "fenpei/perf.h"
#include "fenpei/realloc.h"
#include "fenpei/table.h"
#include "fenpei/version.h"
#include "fenpei/xlsx.h"

/** The library's version, "MAJOR.MINOR.PATCH". */
const char *fp_version(void);

#endif
