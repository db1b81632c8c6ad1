/* test_rational.c — exact quotients rounded by every mode, and the mode names. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "round/rational.h"

#define I128_MAX ((i128)(((u128)1 << 127) - 1))
#define I128_MIN (-I128_MAX - 1)

/* expected values for num/den under nearest, down, up, half-even */
static void check4(i128 num, i128 den, long long nearest, long long down, long long up,
                   long long half_even)
{
    cr_expect_eq(rat_round_div(num, den, FP_ROUND_NEAREST), (i128)nearest,
                 "nearest %lld/%lld: expected %lld", (long long)num, (long long)den, nearest);
    cr_expect_eq(rat_round_div(num, den, FP_ROUND_DOWN), (i128)down,
                 "down %lld/%lld: expected %lld", (long long)num, (long long)den, down);
    cr_expect_eq(rat_round_div(num, den, FP_ROUND_UP), (i128)up, "up %lld/%lld: expected %lld",
                 (long long)num, (long long)den, up);
    cr_expect_eq(rat_round_div(num, den, FP_ROUND_HALF_EVEN), (i128)half_even,
                 "half-even %lld/%lld: expected %lld", (long long)num, (long long)den, half_even);
}

Test(round_div, exact_quotients_are_unchanged_by_every_mode)
{
    check4(0, 7, 0, 0, 0, 0);
    check4(12, 4, 3, 3, 3, 3);
    check4(-12, 4, -3, -3, -3, -3);
    check4(5, 1, 5, 5, 5, 5);
    check4(-5, 1, -5, -5, -5, -5);
}

Test(round_div, positive_non_halves)
{
    check4(7, 3, 2, 2, 3, 2);   /* 2.333 */
    check4(8, 3, 3, 2, 3, 3);   /* 2.667 */
    check4(1, 3, 0, 0, 1, 0);   /* 0.333 */
    check4(2, 3, 1, 0, 1, 1);   /* 0.667 */
}

Test(round_div, negative_non_halves)
{
    check4(-7, 3, -2, -3, -2, -2);  /* -2.333 */
    check4(-8, 3, -3, -3, -2, -3);  /* -2.667 */
    check4(-1, 3, 0, -1, 0, 0);     /* -0.333 */
    check4(-2, 3, -1, -1, 0, -1);   /* -0.667 */
}

Test(round_div, positive_halves)
{
    check4(1, 2, 1, 0, 1, 0);   /* 0.5 */
    check4(3, 2, 2, 1, 2, 2);   /* 1.5 */
    check4(5, 2, 3, 2, 3, 2);   /* 2.5 */
    check4(7, 2, 4, 3, 4, 4);   /* 3.5 */
    check4(25, 10, 3, 2, 3, 2); /* 2.5 with a larger denominator */
}

Test(round_div, negative_halves_round_away_from_zero_or_to_even)
{
    check4(-1, 2, -1, -1, 0, 0);   /* -0.5 */
    check4(-3, 2, -2, -2, -1, -2); /* -1.5 */
    check4(-5, 2, -3, -3, -2, -2); /* -2.5 */
    check4(-7, 2, -4, -4, -3, -4); /* -3.5 */
}

Test(round_div, just_off_the_half)
{
    /* 1000001/2000000 is just above 0.5, 999999/2000000 just below */
    check4(1000001, 2000000, 1, 0, 1, 1);
    check4(999999, 2000000, 0, 0, 1, 0);
    check4(-1000001, 2000000, -1, -1, 0, -1);
    check4(-999999, 2000000, 0, -1, 0, 0);
}

Test(round_div, large_128_bit_values_do_not_overflow)
{
    /* INT128_MAX is odd: INT128_MAX / 2 = k + 1/2 with k = 2^126 - 1 */
    i128 k = ((i128)1 << 126) - 1;
    cr_expect_eq(rat_round_div(I128_MAX, 2, FP_ROUND_DOWN), k);
    cr_expect_eq(rat_round_div(I128_MAX, 2, FP_ROUND_UP), k + 1);
    cr_expect_eq(rat_round_div(I128_MAX, 2, FP_ROUND_NEAREST), k + 1);
    cr_expect_eq(rat_round_div(I128_MAX, 2, FP_ROUND_HALF_EVEN), k + 1); /* k is odd */
    cr_expect_eq(rat_round_div(I128_MAX, 1, FP_ROUND_UP), I128_MAX);
    cr_expect_eq(rat_round_div(I128_MAX, I128_MAX, FP_ROUND_NEAREST), 1);
    cr_expect_eq(rat_round_div(I128_MAX - 1, I128_MAX, FP_ROUND_NEAREST), 1);
    cr_expect_eq(rat_round_div(I128_MAX - 1, I128_MAX, FP_ROUND_DOWN), 0);
    cr_expect_eq(rat_round_div(1, I128_MAX, FP_ROUND_UP), 1);
    cr_expect_eq(rat_round_div(1, I128_MAX, FP_ROUND_NEAREST), 0);

    /* INT128_MIN = -2^127: exact by 2, and by 3 with a remainder */
    cr_expect_eq(rat_round_div(I128_MIN, 2, FP_ROUND_NEAREST), -((i128)1 << 126));
    cr_expect_eq(rat_round_div(I128_MIN, 1, FP_ROUND_DOWN), I128_MIN);
    cr_expect_eq(rat_round_div(I128_MIN, I128_MAX, FP_ROUND_DOWN), -2);
    cr_expect_eq(rat_round_div(I128_MIN, I128_MAX, FP_ROUND_UP), -1);
    cr_expect_eq(rat_round_div(I128_MIN, I128_MAX, FP_ROUND_NEAREST), -1);
    /* -2^127 = 3q + 1 with 3q itself below INT128_MIN: q = -(2^127 + 1)/3 */
    i128 q3 = -(i128)((((u128)1 << 127) + 1) / 3);
    cr_expect_eq(rat_round_div(I128_MIN, 3, FP_ROUND_DOWN), q3);
    cr_expect_eq(rat_round_div(I128_MIN, 3, FP_ROUND_UP), q3 + 1);
    cr_expect_eq(rat_round_div(I128_MIN, 3, FP_ROUND_NEAREST), q3); /* exactly q3 + 1/3 */
    cr_expect_eq(rat_round_div(I128_MIN, 3, FP_ROUND_HALF_EVEN), q3);
    cr_expect_eq(rat_floor_div(I128_MIN, 3), q3);
    /* (INT128_MIN + 1) / 2 = -2^126 + 1/2: a negative half at the bottom of the range */
    cr_expect_eq(rat_round_div(I128_MIN + 1, 2, FP_ROUND_NEAREST), -((i128)1 << 126));
    cr_expect_eq(rat_round_div(I128_MIN + 1, 2, FP_ROUND_DOWN), -((i128)1 << 126));
    cr_expect_eq(rat_round_div(I128_MIN + 1, 2, FP_ROUND_UP), -((i128)1 << 126) + 1);
    cr_expect_eq(rat_round_div(I128_MIN + 1, 2, FP_ROUND_HALF_EVEN), -((i128)1 << 126));

    /* amounts: int64 amount × int64 weight / sum of weights, the typical use */
    i128 num = (i128)INT64_MAX * INT64_MAX;
    cr_expect_eq(rat_round_div(num, INT64_MAX, FP_ROUND_NEAREST), INT64_MAX);
    cr_expect_eq(rat_round_div(num + 1, INT64_MAX, FP_ROUND_UP), (i128)INT64_MAX + 1);
    cr_expect_eq(rat_round_div(-num - 1, INT64_MAX, FP_ROUND_DOWN), -(i128)INT64_MAX - 1);
}

Test(floor_div, rounds_toward_minus_infinity)
{
    cr_expect_eq(rat_floor_div(7, 2), 3);
    cr_expect_eq(rat_floor_div(-7, 2), -4);
    cr_expect_eq(rat_floor_div(-8, 2), -4);
    cr_expect_eq(rat_floor_div(0, 5), 0);
    cr_expect_eq(rat_floor_div(-1, 5), -1);
    cr_expect_eq(rat_floor_div(I128_MIN, 1), I128_MIN);
    cr_expect_eq(rat_floor_div(I128_MIN, I128_MAX), -2);
    cr_expect_eq(rat_floor_div(I128_MAX, I128_MAX), 1);
}

Test(round_div, agrees_with_floor_div_on_a_grid)
{
    for (int num = -60; num <= 60; num++) {
        for (int den = 1; den <= 12; den++) {
            i128 f = rat_floor_div(num, den);
            i128 r = num - f * den;
            cr_assert(r >= 0 && r < den);
            i128 c = r ? f + 1 : f;
            cr_expect_eq(rat_round_div(num, den, FP_ROUND_DOWN), f);
            cr_expect_eq(rat_round_div(num, den, FP_ROUND_UP), c);
            /* nearest: distance to the result is at most half, and halves go away from 0 */
            i128 n = rat_round_div(num, den, FP_ROUND_NEAREST);
            i128 dist2 = 2 * (n * den - num);
            cr_expect(dist2 <= den && dist2 >= -den, "%d/%d", num, den);
            if (dist2 == den || dist2 == -den)
                cr_expect(num > 0 ? n * den > num : n * den < num, "%d/%d", num, den);
            i128 e = rat_round_div(num, den, FP_ROUND_HALF_EVEN);
            i128 edist2 = 2 * (e * den - num);
            cr_expect(edist2 <= den && edist2 >= -den, "%d/%d", num, den);
            if (edist2 == den || edist2 == -den)
                cr_expect(e % 2 == 0, "%d/%d", num, den);
        }
    }
}

Test(round_div, invalid_denominator_gives_zero)
{
    cr_expect_eq(rat_round_div(5, 0, FP_ROUND_NEAREST), 0);
    cr_expect_eq(rat_round_div(5, -1, FP_ROUND_NEAREST), 0);
    cr_expect_eq(rat_floor_div(5, 0), 0);
}

Test(rounding_name, parse_and_name_round_trip)
{
    const char *names[] = {"nearest", "down", "up", "half-even"};
    for (int m = 0; m < FP_ROUND_MAX; m++) {
        fp_rounding got = FP_ROUND_MAX;
        cr_expect_eq(fp_rounding_parse(names[m], &got), FP_OK, "%s", names[m]);
        cr_expect_eq(got, (fp_rounding)m);
        cr_expect_str_eq(fp_rounding_name((fp_rounding)m), names[m]);
    }
    fp_rounding got = FP_ROUND_MAX;
    cr_expect_eq(fp_rounding_parse("Half-Even", &got), FP_OK);
    cr_expect_eq(got, FP_ROUND_HALF_EVEN);
}

Test(rounding_name, rejects_unknown_names)
{
    fp_rounding got = FP_ROUND_UP;
    cr_expect_eq(fp_rounding_parse("half-up", &got), FP_ERR_ARGUMENT);
    cr_expect_eq(fp_rounding_parse("", &got), FP_ERR_ARGUMENT);
    cr_expect_eq(fp_rounding_parse(NULL, &got), FP_ERR_ARGUMENT);
    cr_expect_eq(got, FP_ROUND_UP);
    cr_expect_str_eq(fp_rounding_name(FP_ROUND_MAX), "unknown");
}

Test(gcd, of_any_signs_and_of_zero)
{
    cr_expect(rat_gcd(12, 18) == 6);
    cr_expect(rat_gcd(-12, 18) == 6);
    cr_expect(rat_gcd(12, -18) == 6);
    cr_expect(rat_gcd(0, 7) == 7);
    cr_expect(rat_gcd(7, 0) == 7);
    cr_expect(rat_gcd(0, 0) == 0);
    i128 big = (i128)1000000007 * 998244353 * 1000000;
    cr_expect(rat_gcd(big, (i128)998244353 * 35) == (i128)998244353 * 5);
}
