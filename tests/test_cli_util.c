/* tests/test_cli_util.c — the program's shared option helpers (src/cli/util.c), called directly. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <limits.h>

#include "cli/cli.h"

static const char *const formats[] = {"csv", "json", NULL};
static const char *const layouts[] = {"auto", "canonical", "notice", NULL};

Test(cli_choice, the_index_of_a_known_value)
{
    cr_assert_eq(cli_choice("--format", "csv", formats), 0);
    cr_assert_eq(cli_choice("--format", "json", formats), 1);
    cr_assert_eq(cli_choice("--layout", "notice", layouts), 2);
}

Test(cli_choice, an_unknown_value_names_them_all, .init = cr_redirect_stderr)
{
    cr_assert_eq(cli_choice("--layout", "Notice", layouts), -1);
    cr_assert_eq(cli_choice("--format", "", formats), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str("fenpei: --layout: expected auto, canonical or notice, not \"Notice\"\n"
                            "fenpei: --format: expected csv or json, not \"\"\n");
}

Test(cli_format_option, text_or_json, .init = cr_redirect_stderr)
{
    int json = 7;
    cr_assert_eq(cli_format_option("json", &json), 0);
    cr_assert_eq(json, 1);
    cr_assert_eq(cli_format_option("text", &json), 0);
    cr_assert_eq(json, 0);
    json = 7;
    cr_assert_eq(cli_format_option("csv", &json), -1);
    cr_assert_eq(json, 7);
    fflush(stderr);
    cr_assert_stderr_eq_str("fenpei: --format: expected text or json, not \"csv\"\n");
}

Test(cli_lang_option, zh_or_en, .init = cr_redirect_stderr)
{
    fp_lang lang = FP_LANG_ZH;
    cr_assert_eq(cli_lang_option("en", &lang), 0);
    cr_assert_eq(lang, FP_LANG_EN);
    cr_assert_eq(cli_lang_option("zh", &lang), 0);
    cr_assert_eq(lang, FP_LANG_ZH);
    cr_assert_eq(cli_lang_option("EN", &lang), -1);
    cr_assert_eq(lang, FP_LANG_ZH);
    fflush(stderr);
    cr_assert_stderr_eq_str("fenpei: --lang: expected zh or en, not \"EN\"\n");
}

Test(cli_number, whole_numbers_from_1_to_max)
{
    unsigned long n = 0;
    cr_assert_eq(cli_number("1", 3600, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(cli_number("3600", 3600, &n), 0);
    cr_assert_eq(n, 3600);
    n = 9;
    cr_assert_eq(cli_number("3601", 3600, &n), -1);
    cr_assert_eq(cli_number("0", 3600, &n), -1);
    cr_assert_eq(cli_number("-1", 3600, &n), -1);
    cr_assert_eq(cli_number("", 3600, &n), -1);
    cr_assert_eq(cli_number("12x", 3600, &n), -1);
    cr_assert_eq(cli_number("99999999999999999999999", ULONG_MAX, &n), -1);
    cr_assert_eq(n, 9);
}

Test(cli_positive_amount, above_zero_only, .init = cr_redirect_stderr)
{
    fp_amount v = 7;
    cr_assert_eq(cli_positive_amount("--unit", "0.01", &v), 0);
    cr_assert_eq(v, 10000);
    cr_assert_eq(cli_positive_amount("--unit", "1", &v), 0);
    cr_assert_eq(v, FP_AMOUNT_SCALE);
    cr_assert_eq(cli_positive_amount("--unit", "0", &v), -1);
    cr_assert_eq(cli_positive_amount("--unit", "-1", &v), -1);
    cr_assert_eq(cli_positive_amount("--unit", "abc", &v), -1);
    cr_assert_eq(v, FP_AMOUNT_SCALE);
    fflush(stderr);
    cr_assert_stderr_eq_str("fenpei: --unit: must be positive, e.g. 1 or 0.01\n"
                            "fenpei: --unit: must be positive, e.g. 1 or 0.01\n"
                            "fenpei: --unit: \"abc\" is not an amount (not an amount); expected e.g. "
                            "27000 or 0.01\n");
}

Test(cli_load_option, output_and_force_are_shared)
{
    cli_load L = {0};
    fp_load_options_init(&L.o);
    cr_assert_eq(cli_load_option(&L, 'o', "out.csv"), 1);
    cr_assert_str_eq(L.output, "out.csv");
    cr_assert_eq(L.force, 0);
    cr_assert_eq(cli_load_option(&L, CLI_OPT_FORCE, NULL), 1);
    cr_assert_eq(L.force, 1);
    cr_assert_eq(cli_load_option(&L, CLI_OPT_TABLE, "3"), 1);
    cr_assert_eq(L.o.table, 3);
    cr_assert_eq(cli_load_option(&L, CLI_OPT_LAYOUT, "canonical"), 1);
    cr_assert_eq(L.o.layout, FP_LAYOUT_CANONICAL);
    cr_assert_eq(cli_load_option(&L, CLI_OPT_FIRST_FREE, "x"), 0); /* a command's own */
    cli_load_free(&L);
}
