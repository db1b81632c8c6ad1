/* check/rule_impl.h — a parsed user rule (private). */
#ifndef FENPEI_RULE_IMPL_H
#define FENPEI_RULE_IMPL_H

#include <stddef.h>

#include "fenpei/check.h"

typedef struct rule_term {
    size_t col;
    int sign; /* +1 or -1 */
    int side; /* 0 left of '=', 1 right */
} rule_term;

struct fp_rule {
    char *text;
    rule_term *terms;
    size_t nterms;
};

#endif
