/* tests/test_amount.c — fp_amount_parse, fp_amount_format, fp_amount_add/sub. */
#include <criterion/criterion.h>
#include <string.h>

#include "fenpei/amount.h"

#define U(x) ((fp_amount)(x) * FP_AMOUNT_SCALE) /* whole units */

/* TEXT parses to EXPECTED with the given info fields. */
static void accepts(const char *text, fp_amount expected, int blank, int decimals, int plain)
{
    fp_amount v = 12345;
    fp_amount_info info;
    memset(&info, 0x55, sizeof info);
    fp_error e = fp_amount_parse(text, strlen(text), &v, &info);
    cr_assert_eq(e, FP_OK, "\"%s\": expected FP_OK, got %d (%s)", text, e, fp_strerror(e));
    cr_assert_eq(v, expected, "\"%s\": expected %lld, got %lld", text, (long long)expected,
                 (long long)v);
    cr_assert_eq(info.blank, blank, "\"%s\": blank expected %d, got %d", text, blank, info.blank);
    cr_assert_eq(info.decimals, decimals, "\"%s\": decimals expected %d, got %d", text, decimals,
                 info.decimals);
    cr_assert_eq(info.plain, plain, "\"%s\": plain expected %d, got %d", text, plain, info.plain);
    /* INFO is optional */
    v = 12345;
    cr_assert_eq(fp_amount_parse(text, strlen(text), &v, NULL), FP_OK);
    cr_assert_eq(v, expected);
}

/* TEXT is refused with CODE, and the value is left at 0. */
static void rejects(const char *text, fp_error code)
{
    fp_amount v = 12345;
    fp_amount_info info;
    fp_error e = fp_amount_parse(text, strlen(text), &v, &info);
    cr_assert_eq(e, code, "\"%s\": expected error %d (%s), got %d (%s)", text, code,
                 fp_strerror(code), e, fp_strerror(e));
    cr_assert_eq(v, 0, "\"%s\": value must be left at 0, got %lld", text, (long long)v);
}

/* ---- accepted forms ---- */

Test(parse, empty_text_is_a_blank_zero_and_plain)
{
    accepts("", 0, 1, 0, 1);
}

Test(parse, spaces_only_are_a_blank_zero_not_plain)
{
    accepts("   ", 0, 1, 0, 0);
    accepts("\xE3\x80\x80", 0, 1, 0, 0); /* U+3000 */
}

Test(parse, empty_markers_are_blank_zeros)
{
    accepts("-", 0, 1, 0, 0);
    accepts("\xE2\x80\x94", 0, 1, 0, 0);             /* — U+2014 */
    accepts("\xEF\xBC\x8D", 0, 1, 0, 0);             /* － U+FF0D */
    accepts("\xE2\x80\x94\xE2\x80\x94", 0, 1, 0, 0); /* —— */
    accepts("\xE2\x80\x93", 0, 1, 0, 0);             /* – U+2013 */
    accepts(" - ", 0, 1, 0, 0);
    accepts("\xE3\x80\x80\xE2\x80\x94\xE3\x80\x80", 0, 1, 0, 0);
}

Test(parse, plain_whole_numbers)
{
    accepts("0", 0, 0, 0, 1);
    accepts("7", U(7), 0, 0, 1);
    accepts("26455", U(26455), 0, 0, 1);
    accepts("999999999999", U(999999999999), 0, 0, 1); /* 12 digits: the fast path's limit */
    accepts("1000000000000", U(1000000000000), 0, 0, 1);
}

Test(parse, leading_zeros_are_read_but_not_plain)
{
    accepts("007", U(7), 0, 0, 0);
    accepts("00", 0, 0, 0, 0);
    accepts("0000000000007", U(7), 0, 0, 0); /* past the fast path */
}

Test(parse, thousands_separators_in_groups_of_three)
{
    accepts("26,455", U(26455), 0, 0, 0);
    accepts("1,234,567.5", U(1234567) + 500000, 0, 1, 0);
    accepts("999,999", U(999999), 0, 0, 0);
    accepts("1,000,000,000", U(1000000000), 0, 0, 0);
}

Test(parse, full_width_digits_point_comma_and_signs)
{
    accepts("\xEF\xBC\x92\xEF\xBC\x96\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x95", U(26455), 0, 0,
            0); /* ２６４５５ */
    accepts("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x8E\xEF\xBC\x95", U(12) + 500000, 0, 1,
            0); /* １２．５ */
    accepts("\xEF\xBC\x92\xEF\xBC\x96\xEF\xBC\x8C\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x95", U(26455),
            0, 0, 0);                                          /* ２６，４５５ */
    accepts("\xEF\xBC\x8D\xEF\xBC\x95", U(-5), 0, 0, 0);       /* －５ */
    accepts("\xEF\xBC\x8B\xEF\xBC\x95", U(5), 0, 0, 0);        /* ＋５ */
    accepts("\xEF\xBC\x88\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x89", U(-12), 0, 0,
            0);                                                /* （１２） */
    accepts("12.5", U(12) + 500000, 0, 1, 1);
    accepts("12\xEF\xBC\x8E" "5", U(12) + 500000, 0, 1, 0);    /* ASCII digits, full-width point */
}

Test(parse, parentheses_make_a_negative)
{
    accepts("(12)", U(-12), 0, 0, 0);
    accepts("\xEF\xBC\x88" "12\xEF\xBC\x89", U(-12), 0, 0, 0); /* （12） */
    accepts("(1,234.50)", -(U(1234) + 500000), 0, 2, 0);
    accepts("(12\xEF\xBC\x89", U(-12), 0, 0, 0); /* mixed widths still pair */
}

Test(parse, signs)
{
    accepts("-5", U(-5), 0, 0, 1);
    accepts("+5", U(5), 0, 0, 0);
    accepts("\xE2\x88\x92" "5", U(-5), 0, 0, 0); /* − U+2212 */
    accepts("-0", 0, 0, 0, 0);                   /* "-0" formats as "0" */
    accepts("-0.5", -500000, 0, 1, 1);
}

Test(parse, surrounding_spaces_of_every_kind)
{
    accepts(" 12 ", U(12), 0, 0, 0);
    accepts("\t12\r\n", U(12), 0, 0, 0);
    accepts("\xE3\x80\x80" "12\xE3\x80\x80", U(12), 0, 0, 0); /* U+3000 */
    accepts("\xC2\xA0" "12\xC2\xA0", U(12), 0, 0, 0);         /* U+00A0 */
    accepts(" \xC2\xA0\xE3\x80\x80-3.25\xE3\x80\x80\xC2\xA0 ", -3250000, 0, 2, 0);
}

Test(parse, decimals_down_to_one_millionth)
{
    accepts("0.000001", 1, 0, 6, 1);
    accepts("5141.32", U(5141) + 320000, 0, 2, 1);
    accepts("4104.267", U(4104) + 267000, 0, 3, 1);
    accepts("5438.4998", U(5438) + 499800, 0, 4, 1);
    accepts("1.123456", 1123456, 0, 6, 1);
    accepts("-0.000001", -1, 0, 6, 1);
}

Test(parse, trailing_zeros_count_as_decimals_but_are_not_plain)
{
    accepts("5.10", 5100000, 0, 2, 0);
    accepts("1.000000", U(1), 0, 6, 0);
    accepts("1.5000000", 1500000, 0, 7, 0); /* zeros past the 6th decimal lose nothing */
    accepts("0.0000010000", 1, 0, 10, 0);
}

Test(parse, text_length_is_respected_not_the_nul)
{
    fp_amount v;
    cr_assert_eq(fp_amount_parse("12345", 3, &v, NULL), FP_OK);
    cr_assert_eq(v, U(123));
    cr_assert_eq(fp_amount_parse("1.5x", 3, &v, NULL), FP_OK);
    cr_assert_eq(v, 1500000);
}

Test(parse, int64_boundaries)
{
    accepts("9223372036854.775807", FP_AMOUNT_MAX, 0, 6, 1);
    accepts("-9223372036854.775807", FP_AMOUNT_MIN, 0, 6, 1);
    accepts("9223372036854", U(9223372036854), 0, 0, 1);
    accepts("9,223,372,000,000", U(9223372000000), 0, 0, 0); /* 9223372 million units fit */
}

/* ---- rejected forms ---- */

Test(parse, rejects_text_that_is_not_an_amount)
{
    rejects("12a", FP_ERR_AMOUNT_SYNTAX);
    rejects("a12", FP_ERR_AMOUNT_SYNTAX);
    rejects("1e3", FP_ERR_AMOUNT_SYNTAX);
    rejects("1.2.3", FP_ERR_AMOUNT_SYNTAX);
    rejects("\xEF\xBC\x91\xEF\xBC\x92 \xEF\xBC\x93", FP_ERR_AMOUNT_SYNTAX); /* １２ ３ */
    rejects("1 234", FP_ERR_AMOUNT_SYNTAX);
    rejects("3x6", FP_ERR_AMOUNT_SYNTAX);
    rejects("12元", FP_ERR_AMOUNT_SYNTAX);
    rejects("\xEF\xBC\x8A", FP_ERR_AMOUNT_SYNTAX); /* ＊ */
    rejects("\xEF\xBC\x8F", FP_ERR_AMOUNT_SYNTAX); /* ／ */
    rejects("\xEF\xBC", FP_ERR_AMOUNT_SYNTAX);     /* a cut-off character */
}

Test(parse, rejects_misplaced_thousands_separators)
{
    rejects("1,23", FP_ERR_AMOUNT_SYNTAX);
    rejects("12,3456", FP_ERR_AMOUNT_SYNTAX);
    rejects(",123", FP_ERR_AMOUNT_SYNTAX);
    rejects("1234,567", FP_ERR_AMOUNT_SYNTAX);
    rejects("1,234,56", FP_ERR_AMOUNT_SYNTAX);
    rejects("1,,234", FP_ERR_AMOUNT_SYNTAX);
    rejects("123,", FP_ERR_AMOUNT_SYNTAX);
    rejects("1.234,5", FP_ERR_AMOUNT_SYNTAX);
}

Test(parse, rejects_a_zero_group_before_a_separator)
{
    /* "0,123" is a European decimal, never a grouped 123 */
    rejects("0,123", FP_ERR_AMOUNT_SYNTAX);
    rejects("00,123", FP_ERR_AMOUNT_SYNTAX);
    rejects("-0,500", FP_ERR_AMOUNT_SYNTAX);
}

Test(parse, rejects_a_point_without_digits_on_both_sides)
{
    rejects("1.", FP_ERR_AMOUNT_SYNTAX);
    rejects(".5", FP_ERR_AMOUNT_SYNTAX);
    rejects(".", FP_ERR_AMOUNT_SYNTAX);
}

Test(parse, rejects_broken_signs_and_parentheses)
{
    rejects("--5", FP_ERR_AMOUNT_SYNTAX);
    rejects("+-5", FP_ERR_AMOUNT_SYNTAX);
    rejects("+", FP_ERR_AMOUNT_SYNTAX);
    rejects("5-", FP_ERR_AMOUNT_SYNTAX);
    rejects("- 5", FP_ERR_AMOUNT_SYNTAX);
    rejects("(5", FP_ERR_AMOUNT_SYNTAX);
    rejects("5)", FP_ERR_AMOUNT_SYNTAX);
    rejects("(-5)", FP_ERR_AMOUNT_SYNTAX);
    rejects("-(5)", FP_ERR_AMOUNT_SYNTAX);
    rejects("()", FP_ERR_AMOUNT_SYNTAX);
    rejects("(5))", FP_ERR_AMOUNT_SYNTAX);
    rejects("---", FP_ERR_AMOUNT_SYNTAX);
}

Test(parse, rejects_more_than_six_nonzero_decimals)
{
    rejects("1.1234567", FP_ERR_AMOUNT_PRECISION);
    rejects("0.0000001", FP_ERR_AMOUNT_PRECISION);
    rejects("0.00000010", FP_ERR_AMOUNT_PRECISION);
    rejects("-5.0000005", FP_ERR_AMOUNT_PRECISION);
}

Test(parse, rejects_amounts_beyond_int64)
{
    rejects("9223372036854.775808", FP_ERR_AMOUNT_OVERFLOW);
    rejects("-9223372036854.775808", FP_ERR_AMOUNT_OVERFLOW);
    rejects("9223372036855", FP_ERR_AMOUNT_OVERFLOW);
    rejects("9,223,372,036,855", FP_ERR_AMOUNT_OVERFLOW);
    rejects("18446744073709551616", FP_ERR_AMOUNT_OVERFLOW); /* 2^64 units */
    rejects("123456789012345678901234567890", FP_ERR_AMOUNT_OVERFLOW);
    rejects("-123456789012345678901234567890", FP_ERR_AMOUNT_OVERFLOW);
    rejects("(123456789012345678901234567890.5)", FP_ERR_AMOUNT_OVERFLOW);
}

Test(parse, overflow_is_reported_before_precision)
{
    rejects("99999999999999.1234567", FP_ERR_AMOUNT_OVERFLOW);
}

Test(parse, syntax_is_reported_before_overflow)
{
    rejects("123456789012345678901234567890x", FP_ERR_AMOUNT_SYNTAX);
}

/* ---- formatting ---- */

static void formats(fp_amount v, int min_decimals, const char *expected)
{
    char buf[FP_AMOUNT_BUFSIZE];
    memset(buf, 'x', sizeof buf);
    size_t n = fp_amount_format(v, min_decimals, buf);
    cr_assert_str_eq(buf, expected, "%lld with %d decimals: expected \"%s\", got \"%s\"",
                     (long long)v, min_decimals, expected, buf);
    cr_assert_eq(n, strlen(expected));
}

Test(format, whole_units_without_a_point)
{
    formats(0, 0, "0");
    formats(U(26455), 0, "26455");
    formats(U(1234567), 0, "1234567");
}

Test(format, fractions_as_many_digits_as_needed)
{
    formats(1, 0, "0.000001");
    formats(1500000, 0, "1.5");
    formats(U(5438) + 499800, 0, "5438.4998");
    formats(U(4104) + 267000, 0, "4104.267");
}

Test(format, negatives_with_a_minus)
{
    formats(U(-5), 0, "-5");
    formats(-1, 0, "-0.000001");
    formats(-500000, 0, "-0.5");
    formats(-(U(1234) + 500000), 2, "-1234.50");
}

Test(format, min_decimals_pads_with_zeros_and_is_clamped)
{
    formats(U(5), 2, "5.00");
    formats(1500000, 2, "1.50");
    formats(1500000, 6, "1.500000");
    formats(1234567, 2, "1.234567"); /* more when needed to be exact */
    formats(U(5), 9, "5.000000");    /* clamped to 6 */
    formats(U(5), -3, "5");          /* clamped to 0 */
    formats(0, 1, "0.0");
}

Test(format, int64_boundaries)
{
    formats(FP_AMOUNT_MAX, 0, "9223372036854.775807");
    formats(FP_AMOUNT_MIN, 0, "-9223372036854.775807");
    formats(FP_AMOUNT_MIN, 6, "-9223372036854.775807");
    formats(INT64_MIN, 6, "-9223372036854.775808"); /* fits the buffer even outside the range */
}

Test(format, round_trips_through_parse_as_plain_text)
{
    static const fp_amount values[] = {0,
                                       1,
                                       -1,
                                       10,
                                       999999,
                                       1000000,
                                       1000001,
                                       U(26455),
                                       -U(26455),
                                       U(5141) + 320000,
                                       -(U(5438) + 499800),
                                       123456789012345,
                                       FP_AMOUNT_MAX,
                                       FP_AMOUNT_MIN,
                                       FP_AMOUNT_MAX - 1,
                                       FP_AMOUNT_MIN + 1};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (int d = 0; d <= FP_AMOUNT_DECIMALS; d++) {
            char buf[FP_AMOUNT_BUFSIZE];
            size_t n = fp_amount_format(values[i], d, buf);
            fp_amount back = 42;
            fp_amount_info info;
            cr_assert_eq(fp_amount_parse(buf, n, &back, &info), FP_OK, "\"%s\"", buf);
            cr_assert_eq(back, values[i], "\"%s\" read back as %lld", buf, (long long)back);
            if (d == 0)
                cr_assert_eq(info.plain, 1, "\"%s\" is what format prints: plain", buf);
        }
    }
}

/* ---- add and sub ---- */

Test(arith, add_and_sub_in_range)
{
    fp_amount out = 0;
    cr_assert_eq(fp_amount_add(U(2), U(3), &out), 0);
    cr_assert_eq(out, U(5));
    cr_assert_eq(fp_amount_sub(U(2), U(3), &out), 0);
    cr_assert_eq(out, U(-1));
    cr_assert_eq(fp_amount_add(FP_AMOUNT_MAX, FP_AMOUNT_MIN, &out), 0);
    cr_assert_eq(out, 0);
    cr_assert_eq(fp_amount_sub(0, FP_AMOUNT_MIN, &out), 0);
    cr_assert_eq(out, FP_AMOUNT_MAX);
    cr_assert_eq(fp_amount_sub(0, FP_AMOUNT_MAX, &out), 0);
    cr_assert_eq(out, FP_AMOUNT_MIN);
    cr_assert_eq(fp_amount_add(FP_AMOUNT_MAX - 1, 1, &out), 0);
    cr_assert_eq(out, FP_AMOUNT_MAX);
}

Test(arith, add_overflow_fails_and_leaves_out_untouched)
{
    fp_amount out = 77;
    cr_assert_eq(fp_amount_add(FP_AMOUNT_MAX, 1, &out), -1);
    cr_assert_eq(out, 77);
    cr_assert_eq(fp_amount_add(FP_AMOUNT_MIN, -1, &out), -1); /* INT64_MIN is out of range */
    cr_assert_eq(out, 77);
    cr_assert_eq(fp_amount_add(FP_AMOUNT_MIN, FP_AMOUNT_MIN, &out), -1);
    cr_assert_eq(out, 77);
    cr_assert_eq(fp_amount_add(FP_AMOUNT_MAX, FP_AMOUNT_MAX, &out), -1);
    cr_assert_eq(out, 77);
}

Test(arith, sub_overflow_fails_and_leaves_out_untouched)
{
    fp_amount out = 77;
    cr_assert_eq(fp_amount_sub(FP_AMOUNT_MIN, 1, &out), -1);
    cr_assert_eq(out, 77);
    cr_assert_eq(fp_amount_sub(-2, FP_AMOUNT_MAX, &out), -1);
    cr_assert_eq(out, 77);
    cr_assert_eq(fp_amount_sub(FP_AMOUNT_MAX, -1, &out), -1);
    cr_assert_eq(out, 77);
    cr_assert_eq(fp_amount_sub(FP_AMOUNT_MAX, FP_AMOUNT_MIN, &out), -1);
    cr_assert_eq(out, 77);
}

/* The one exact percentage: no 128-bit value is truncated on the way to text. */
Test(percent, exact_at_any_magnitude)
{
    char buf[FP_PERCENT_BUFSIZE];
    /* 0.000001 → 10000000000: 999999999999999900% exactly (the old text was 77662796314522319.20%) */
    fp_amount_percent(1, INT64_C(10000000000) * FP_AMOUNT_SCALE, buf);
    cr_assert_str_eq(buf, "999999999999999900.00%");
    fp_amount_percent(FP_AMOUNT_MAX, FP_AMOUNT_MIN, buf);
    cr_assert_str_eq(buf, "-200.00%");
    fp_amount_percent(-1, FP_AMOUNT_MAX, buf); /* relative to |old| */
    cr_assert_str_eq(buf, "922337203685477580800.00%");
    fp_amount_percent(3, 5, buf);
    cr_assert_str_eq(buf, "66.67%");
    fp_amount_percent(3, 1, buf);
    cr_assert_str_eq(buf, "-66.67%");
    fp_amount_percent(200000, 200001, buf); /* 0.0005% rounds half away from zero to 0.00% */
    cr_assert_str_eq(buf, "0.00%");
    fp_amount_percent(20000, 20001, buf); /* 0.005% → 0.01% */
    cr_assert_str_eq(buf, "0.01%");
    fp_amount_percent(20000, 19999, buf);
    cr_assert_str_eq(buf, "-0.01%");
    fp_amount_percent(7, 7, buf);
    cr_assert_str_eq(buf, "0.00%");
    cr_assert_eq(fp_amount_percent(0, 5, buf), 0);
    cr_assert_str_eq(buf, "");
    cr_assert_float_eq(fp_amount_percent_value(3, 5), 0.6667, 1e-12);
    cr_assert_float_eq(fp_amount_percent_value(1, INT64_C(10000000000) * FP_AMOUNT_SCALE),
                       999999999999999900.0 / 100.0, 1e3);
    cr_assert_float_eq(fp_amount_percent_value(0, 5), 0.0, 0.0);
}
