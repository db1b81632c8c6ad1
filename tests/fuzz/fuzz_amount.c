/* tests/fuzz/fuzz_amount.c — libFuzzer target: fp_amount_parse never misbehaves, and what it accepts
 * fp_amount_format writes back to the same value. */
#include <stdint.h>
#include <stdlib.h>

#include "fenpei/amount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fp_amount v;
    fp_amount_info info;
    if (fp_amount_parse((const char *)data, size, &v, &info) != FP_OK)
        return 0;
    if (info.blank) {
        if (v != 0)
            abort();
        return 0;
    }
    for (int decimals = 0; decimals <= FP_AMOUNT_DECIMALS; decimals++) {
        char buf[FP_AMOUNT_BUFSIZE];
        size_t n = fp_amount_format(v, decimals, buf);
        fp_amount back;
        fp_amount_info binfo;
        if (n >= FP_AMOUNT_BUFSIZE || fp_amount_parse(buf, n, &back, &binfo) != FP_OK ||
            back != v || binfo.blank)
            abort(); /* the formatted text must read back as the same amount */
        if (decimals == 0 && !binfo.plain)
            abort(); /* what fp_amount_format(v, 0) writes is plain by definition */
    }
    return 0;
}
