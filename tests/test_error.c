/* tests/test_error.c — fp_strerror's table stays in sync with the fp_error codes. */
#include <criterion/criterion.h>
#include <string.h>

#include "fenpei/error.h"
#include "fenpei/fenpei.h"

Test(strerror, every_code_has_a_non_empty_message)
{
    for (int e = FP_OK; e < FP_ERROR_MAX; e++) {
        const char *m = fp_strerror((fp_error)e);
        cr_assert_not_null(m, "code %d", e);
        cr_assert_neq(m[0], '\0', "code %d has an empty message", e);
        cr_assert_str_neq(m, "unknown error", "code %d has no message of its own", e);
    }
}

Test(strerror, every_code_has_a_distinct_message)
{
    for (int a = FP_OK; a < FP_ERROR_MAX; a++)
        for (int b = a + 1; b < FP_ERROR_MAX; b++)
            cr_assert_str_neq(fp_strerror((fp_error)a), fp_strerror((fp_error)b),
                              "codes %d and %d share the message \"%s\"", a, b,
                              fp_strerror((fp_error)a));
}

Test(strerror, known_codes_have_their_messages)
{
    cr_assert_str_eq(fp_strerror(FP_OK), "no error");
    cr_assert_str_eq(fp_strerror(FP_ERR_NOMEM), "out of memory");
    cr_assert_str_eq(fp_strerror(FP_ERR_AMOUNT_SYNTAX), "not an amount");
    cr_assert_str_eq(fp_strerror(FP_ERR_AMOUNT_OVERFLOW), "amount out of range");
    cr_assert_str_eq(fp_strerror(FP_ERR_AMOUNT_PRECISION), "too many decimals");
}

Test(strerror, out_of_range_codes_give_unknown_error)
{
    cr_assert_str_eq(fp_strerror(FP_ERROR_MAX), "unknown error");
    cr_assert_str_eq(fp_strerror((fp_error)(FP_ERROR_MAX + 100)), "unknown error");
    cr_assert_str_eq(fp_strerror((fp_error)-1), "unknown error");
}

Test(diag, clear_empties_every_field_and_accepts_null)
{
    fp_diag d;
    memset(&d, 'x', sizeof d);
    d.code = FP_ERR_CSV;
    d.line = 7;
    fp_diag_clear(&d);
    cr_assert_eq(d.code, FP_OK);
    cr_assert_eq(d.line, 0);
    cr_assert_str_eq(d.file, "");
    cr_assert_str_eq(d.cell, "");
    cr_assert_str_eq(d.column, "");
    cr_assert_str_eq(d.text, "");
    cr_assert_str_eq(d.message, "");
    fp_diag_clear(NULL);
}

Test(version, is_0_1_0)
{
    cr_assert_str_eq(fp_version(), FP_VERSION_STRING);
}
