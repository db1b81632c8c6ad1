/* util/error.c — messages of the error codes, and diagnostics. */
#include <string.h>

#include "fenpei/error.h"
#include "fenpei/fenpei.h"

static const char *const messages[FP_ERROR_MAX] = {
    [FP_OK] = "no error",
    [FP_ERR_NOMEM] = "out of memory",
    [FP_ERR_IO] = "input/output error",
    [FP_ERR_ENCODING] = "invalid text encoding",
    [FP_ERR_CSV] = "malformed CSV",
    [FP_ERR_XLSX] = "malformed XLSX workbook",
    [FP_ERR_EMPTY] = "no table found",
    [FP_ERR_AMOUNT_SYNTAX] = "not an amount",
    [FP_ERR_AMOUNT_OVERFLOW] = "amount out of range",
    [FP_ERR_AMOUNT_PRECISION] = "too many decimals",
    [FP_ERR_COLUMN] = "bad column",
    [FP_ERR_TREE_DEPTH] = "bad level (级次)",
    [FP_ERR_TREE_PARENT] = "parent (上级) not found",
    [FP_ERR_TREE_CYCLE] = "parent links form a cycle",
    [FP_ERR_TREE_DUPLICATE] = "duplicate key",
    [FP_ERR_RULE_SYNTAX] = "malformed rule",
    [FP_ERR_ARGUMENT] = "invalid argument",
    [FP_ERR_UNIT_NOT_FOUND] = "no such unit",
    [FP_ERR_UNIT_AMBIGUOUS] = "ambiguous unit name",
    [FP_ERR_CONFLICT] = "conflicting requests",
    [FP_ERR_INFEASIBLE] = "constraints cannot be met",
    [FP_ERR_EXISTS] = "output exists",
    [FP_ERR_INTERNAL] = "internal error: result failed its own checks",
    [FP_ERR_TEMPLATE] = "bad letter template",
    [FP_ERR_DOCX] = "malformed Word document",
};

const char *fp_strerror(fp_error err)
{
    if ((unsigned)err >= FP_ERROR_MAX || !messages[err])
        return "unknown error";
    return messages[err];
}

void fp_diag_clear(fp_diag *diag)
{
    if (diag)
        memset(diag, 0, sizeof *diag);
}

const char *fp_version(void)
{
    return FP_VERSION_STRING;
}
