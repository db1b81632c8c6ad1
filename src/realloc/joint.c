/* realloc/joint.c — several --set at once: the KL-closest fit, then one joint controlled rounding. */
#include "realloc/realloc_impl.h"

fp_error realloc_joint(ctx *C, const target *tg, size_t ntg)
{
    (void)tg;
    (void)ntg;
    return realloc_nomem(C);
}
