/* read/header.c — a notice's header over several lines: a group header cell spanning the
 * sub-columns under it (资金情况 over 中央资金, 地方资金, 合计; C级 over 户数, 补助资金(万元)),
 * and the names that tell columns of one header apart ("C级/户数"; "补助资金(万元)#2"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/loader_impl.h"
#include "util/buf.h"

/* Inside a joined header cell: the group's text, then this byte, then the sub-column's. Never in
 * a name the loader keeps (header_name_columns takes it out). */
#define GROUP_SEP LOADER_GROUP_SEP

static int blank(const char *s) { return !s || !s[0]; }

/* S + T in a new string (S freed), or NULL when out of memory. With SEP, the separator between. */
static char *append(char *s, const char *t, int sep)
{
    size_t a = s ? strlen(s) : 0, b = strlen(t);
    char *j = realloc(s, a + b + 2);
    if (!j)
        return NULL;
    if (sep)
        j[a++] = GROUP_SEP;
    memcpy(j + a, t, b + 1);
    return j;
}

int header_join(char ***hdr, size_t *nhdr, size_t *cap, char **pre, size_t npre)
{
    if (buf_reserve((void **)hdr, cap, npre, sizeof **hdr))
        return -1;
    char **h = *hdr;
    size_t nh = *nhdr;
    /* span[i]: the first column right of the group that starts at column I (0: no group). A
     * group: a cell of the held header with empty cells right of it, and text in the new line
     * under it and under each of them. */
    size_t *span = calloc(npre ? npre : 1, sizeof *span);
    if (!span)
        return -1;
    for (size_t i = 0; i < npre && i < nh; i++) {
        if (blank(h[i]) || strchr(h[i], GROUP_SEP) || blank(pre[i]))
            continue;
        size_t j = i + 1;
        while (j < npre && (j >= nh || blank(h[j])) && !blank(pre[j]))
            j++;
        if (j > i + 1) {
            span[i] = j;
            i = j - 1;
        }
    }
    for (size_t i = 0; i < npre; i++) {
        if (span[i]) { /* "group␟sub": the group's text before each sub-column's */
            char *g = strdup(h[i]);
            if (!g)
                goto nomem;
            for (size_t k = i; k < span[i]; k++) {
                char *c = strdup(g);
                char *j = c ? append(c, pre[k], 1) : NULL;
                if (!j) {
                    free(c);
                    free(g);
                    goto nomem;
                }
                if (k < nh)
                    free(h[k]);
                h[k] = j;
            }
            free(g);
            if (span[i] > nh)
                nh = span[i];
            i = span[i] - 1;
            continue;
        }
        if (i >= nh) { /* a column the held header had not reached */
            h[i] = pre[i];
            pre[i] = NULL;
            nh = i + 1;
            continue;
        }
        char *j = append(h[i], pre[i], 0);
        if (!j)
            goto nomem;
        h[i] = j;
    }
    *nhdr = nh;
    free(span);
    return 0;
nomem:
    *nhdr = nh;
    free(span);
    return -1;
}

typedef struct keyed {
    const char *key;
    size_t col;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->col > y->col) - (x->col < y->col);
}

/* NAME with SUFFIX in a new string, or NULL. */
static char *joined(const char *a, size_t alen, const char *mid, const char *b)
{
    size_t m = strlen(mid), n = strlen(b);
    char *s = malloc(alen + m + n + 1);
    if (!s)
        return NULL;
    memcpy(s, a, alen);
    memcpy(s + alen, mid, m);
    memcpy(s + alen + m, b, n + 1);
    return s;
}

/* Does the header H name an amount or a count (补助资金(万元), 金额, 户数), not the name column
 * (单位, 地区)? Only such a header may repeat and be told apart by its place. */
static int names_figures(const char *h)
{
    static const char *const words[] = {"元", "资金", "金额", "数", "合计", "小计", "经费",
                                        "补助", "预算", "資金", "金額", "數", "合計", "經費"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(h, words[i]))
            return 1;
    return 0;
}

int header_name_columns(loader *L, int by_place)
{
    fp_table *t = L->t;
    size_t n = t->ncols;
    if (n < 2 && !(n == 1 && strchr(t->cols[0].name, GROUP_SEP)))
        return 0;
    keyed *v = malloc(n * sizeof *v);
    if (!v)
        return -1;
    /* a sub-column is named by its own header when no other column has that name, else
     * "group/sub" */
    for (size_t i = 0; i < n; i++) {
        const char *sep = strchr(t->cols[i].name, GROUP_SEP);
        v[i].key = sep ? sep + 1 : t->cols[i].name;
        v[i].col = i;
    }
    qsort(v, n, sizeof *v, cmp_keyed);
    unsigned char *unique = malloc(n);
    if (!unique) {
        free(v);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        unique[v[k].col] = (k == 0 || strcmp(v[k - 1].key, v[k].key) != 0) &&
                           (k + 1 == n || strcmp(v[k + 1].key, v[k].key) != 0);
    for (size_t i = 0; i < n; i++) {
        char *name = t->cols[i].name;
        char *sep = strchr(name, GROUP_SEP);
        if (!sep)
            continue;
        char *s = unique[i] ? strdup(sep + 1) : joined(name, (size_t)(sep - name), "/", sep + 1);
        if (!s) {
            free(unique);
            free(v);
            return -1;
        }
        t->cols[i].name = s;
        free(name);
    }
    free(unique);
    /* the same name twice (no group to tell them apart) in a notice's header: the second is
     * "name#2", the third "name#3" … in reading order — only for amounts and counts (two name
     * columns are two tables side by side or a mistake; a canonical table names each column) */
    for (size_t i = 0; i < n; i++) {
        v[i].key = t->cols[i].name;
        v[i].col = i;
    }
    qsort(v, n, sizeof *v, cmp_keyed);
    for (size_t k = 1, run = 1; k < n; k++) {
        run = strcmp(v[k].key, v[k - 1].key) == 0 ? run + 1 : 1;
        if (run < 2 || !by_place || !names_figures(v[k].key))
            continue; /* left to the loader's "two columns are headed …" */
        char num[24];
        snprintf(num, sizeof num, "%zu", run);
        char *name = t->cols[v[k].col].name;
        char *s = joined(name, strlen(name), "#", num);
        if (!s) {
            free(v);
            return -1;
        }
        t->cols[v[k].col].name = s;
        v[k].key = v[k - 1].key; /* the run goes on against the first of its name */
        free(name);
    }
    free(v);
    return 0;
}
