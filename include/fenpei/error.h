/* fenpei/error.h — error codes, their messages, and the diagnostic a failing call fills. */
#ifndef FENPEI_ERROR_H
#define FENPEI_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Every library call that can fail returns one of these. Keep fp_strerror's table in sync
 *  (tests/test_error.c checks that every code has a distinct, non-empty message). */
typedef enum fp_error {
    FP_OK = 0,
    FP_ERR_NOMEM,            /* out of memory */
    FP_ERR_IO,               /* a file could not be opened, read or written */
    FP_ERR_ENCODING,         /* the bytes are not valid in the detected or given encoding */
    FP_ERR_CSV,              /* the CSV/TSV text is malformed */
    FP_ERR_XLSX,             /* an XLSX workbook is malformed (ZIP, XML, parts) */
    FP_ERR_EMPTY,            /* no header row, or no data row */
    FP_ERR_AMOUNT_SYNTAX,    /* a cell is not an amount */
    FP_ERR_AMOUNT_OVERFLOW,  /* an amount or a sum does not fit in fp_amount */
    FP_ERR_AMOUNT_PRECISION, /* an amount has more decimals than fp_amount holds */
    FP_ERR_COLUMN,           /* a column is missing, unknown, ambiguous or of the wrong kind */
    FP_ERR_TREE_DEPTH,       /* a 级次 value is not a number or jumps by more than one level */
    FP_ERR_TREE_PARENT,      /* a 上级 names a row that does not exist */
    FP_ERR_TREE_CYCLE,       /* the 上级 links form a cycle */
    FP_ERR_TREE_DUPLICATE,   /* a name (or code) used as a key appears twice */
    FP_ERR_RULE_SYNTAX,      /* a --rule text cannot be parsed */
    FP_ERR_ARGUMENT,         /* an argument to the call is invalid */
    FP_ERR_UNIT_NOT_FOUND,   /* a unit name or path names no row */
    FP_ERR_UNIT_AMBIGUOUS,   /* a unit name names several rows */
    FP_ERR_CONFLICT,         /* two requests contradict each other */
    FP_ERR_INFEASIBLE,       /* the constraints cannot all be met */
    FP_ERR_EXISTS,           /* the output file exists and replacing it was not allowed */
    FP_ERR_INTERNAL,         /* a result failed the library's own checks: a bug */
    FP_ERR_TEMPLATE,         /* a letter template (.docx) is malformed or names an unknown
                                placeholder */
    FP_ERR_DOCX,             /* a Word .docx document is malformed (ZIP, XML, parts) */
    FP_ERROR_MAX
} fp_error;

/** The English message of an error code; a static string, never NULL. */
const char *fp_strerror(fp_error err);

/** Where and why a call failed. The caller owns it (usually on the stack) and passes it to
 *  calls that can fail; on failure the library fills it. Strings are truncated to fit. */
typedef struct fp_diag {
    fp_error code;
    char file[256];     /* input file name, or "" */
    long line;          /* 1-based line in the file, or 0 */
    char cell[64];      /* cell reference such as "附件1!C57", or "" */
    char column[128];   /* column header, or "" */
    char text[128];     /* the offending text, or "" */
    char message[512];  /* a full sentence saying what was expected */
} fp_diag;

/** Clear a diagnostic (code FP_OK, empty strings). Accepts NULL. */
void fp_diag_clear(fp_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
