/* tests/bench/eval_causes.c — recall and precision of fp_explain on random single faults.
 *
 *   eval_causes [-n FAULTS_PER_KIND] [-s SEED] [--notice] [TABLE]
 *
 * TABLE (default: the bundled allocations/xinjiang-2024-basic-public-health-batch2.csv) must be a
 * clean canonical table (级次, 单位, whole-number amounts). For each cause kind the program
 * injects random faults of that kind into a copy until FAULTS_PER_KIND (default 250) of them make
 * some identity fail (the others are counted apart), checks each copy,
 * explains the findings and applies the fixes. A fault is recalled when every error finding gets
 * a cause of the injected kind (none ambiguous) and the fixed table equals the original (rows
 * compared as depth, parent, name and amounts, in any order under their parent; the name the tool
 * gives a lost row — a placeholder, or the gazetteer's "probably …", which may be spelt otherwise
 * than in the table — matches any name; for rounding residues: --fix leaves the table alone, or
 * the fixed table passes every identity). Of the wrong fixes, those where --fix applied nothing
 * (it never guesses: a lost row whose name's form the table does not tell) are counted apart. Precision of kind K: the share of the causes of kind K reported
 * over all faults of all kinds that belong to a recalled fault of kind K.
 * With --notice each faulty table is given as copied out of a notice (no 级次 column: the reader
 * rebuilds the tree from order, names and sums). Prints a Markdown table (for docs/causes.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fenpei/fenpei.h"

#ifndef FENPEI_SOURCE_DIR
#define FENPEI_SOURCE_DIR "."
#endif

#define MAXCOL 32
#define MAXROW 4096
#define PLACEHOLDER_ROW "（缺失行）"
#define PLACEHOLDER_NAME "（名称缺失）"

typedef struct row {
    int level;
    char name[160];
    long long v[MAXCOL];
    int blank[MAXCOL];
} row;

typedef struct table {
    char header[4096];
    int ncol; /* amount columns */
    int ncat; /* the first NCAT amount columns are categories, then total, advance, batch */
    row *r;
    int n;
} table;

static uint64_t rng = 0x9E3779B97F4A7C15ULL, seed = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static int pick(int n) { return (int)(next() % (uint64_t)n); }

static int load(const char *path, table *T)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char line[4096];
    T->r = calloc(MAXROW, sizeof *T->r);
    T->n = 0;
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (first) {
            memcpy(T->header, line, strlen(line) + 1);
            T->ncol = 0;
            for (char *p = line; *p; p++)
                T->ncol += *p == ',';
            T->ncol -= 1; /* 级次, 单位 */
            T->ncat = T->ncol - 3;
            first = 0;
            continue;
        }
        row *r = &T->r[T->n++];
        char *save = NULL, *tok = strtok_r(line, ",", &save);
        r->level = atoi(tok);
        tok = strtok_r(NULL, ",", &save);
        snprintf(r->name, sizeof r->name, "%.150s", tok ? tok : "");
        for (int c = 0; c < T->ncol; c++) {
            tok = strtok_r(NULL, ",", &save);
            r->v[c] = tok ? atoll(tok) : 0;
        }
    }
    fclose(f);
    return T->n ? 0 : -1;
}

static char *to_csv(const table *T, size_t *len)
{
    size_t cap = (size_t)T->n * 400 + 4096;
    char *s = malloc(cap), *p = s;
    p += sprintf(p, "%s\n", T->header);
    for (int i = 0; i < T->n; i++) {
        const row *r = &T->r[i];
        p += sprintf(p, "%d,%s", r->level, r->name);
        for (int c = 0; c < T->ncol; c++) {
            if (r->blank[c])
                p += sprintf(p, ",");
            else
                p += sprintf(p, ",%lld", r->v[c]);
        }
        p += sprintf(p, "\n");
    }
    *len = (size_t)(p - s);
    return s;
}

/* The table as copied out of a notice: title and unit lines, no 级次 column, tabs, a blank where
 * a unit has nothing (a subtotal row prints 0). */
static char *to_notice(const table *T, size_t *len)
{
    size_t cap = (size_t)T->n * 400 + 4096;
    char *s = malloc(cap), *p = s;
    p += sprintf(p, "分配表\n单位：万元\n拨款单位");
    const char *h = strchr(T->header, ',');
    h = h ? strchr(h + 1, ',') : NULL; /* after 级次 and 单位 */
    for (; h && *h; h++)
        *p++ = *h == ',' ? '\t' : *h;
    *p++ = '\n';
    for (int i = 0; i < T->n; i++) {
        const row *r = &T->r[i];
        int parent = i + 1 < T->n && T->r[i + 1].level > r->level;
        p += sprintf(p, "%s", r->name);
        for (int c = 0; c < T->ncol; c++) {
            if (r->blank[c] || (r->v[c] == 0 && !parent))
                p += sprintf(p, "\t");
            else
                p += sprintf(p, "\t%lld", r->v[c]);
        }
        p += sprintf(p, "\n");
    }
    *len = (size_t)(p - s);
    return s;
}

static int has_children(const table *T, int i) { return i + 1 < T->n && T->r[i + 1].level > T->r[i].level; }

static int parent_of(const table *T, int i)
{
    for (int k = i - 1; k >= 0; k--)
        if (T->r[k].level < T->r[i].level)
            return k;
    return -1;
}

static void insert_row(table *T, int at, const row *r)
{
    memmove(&T->r[at + 1], &T->r[at], (size_t)(T->n - at) * sizeof *T->r);
    T->r[at] = *r;
    T->n++;
}

static void delete_row(table *T, int at)
{
    memmove(&T->r[at], &T->r[at + 1], (size_t)(T->n - at - 1) * sizeof *T->r);
    T->n--;
}

/* ---- the faults ---- */

/* In the notice layout a 小计 under its rows is their total and a 其中 row is part of the row
 * above, by the reader's rules: a row counted twice there is the same row twice. */
static int notice_layout;

static int digits(long long v, char *buf) { return sprintf(buf, "%lld", v < 0 ? -v : v); }

static int fault_typo(table *T)
{
    int i = pick(T->n), c = pick(T->ncol);
    long long v = T->r[i].v[c], w;
    char d[32];
    int n = digits(v, d), kind = pick(3);
    if (kind == 2 && v != 0) {
        w = -v;
    } else if (kind == 1 && n >= 2) {
        int pos = -1;
        for (int tries = 0; tries < 8 && pos < 0; tries++) {
            int k = pick(n - 1);
            if (d[k] != d[k + 1] && !(k == 0 && d[1] == '0'))
                pos = k;
        }
        if (pos < 0)
            return -1;
        char t = d[pos];
        d[pos] = d[pos + 1];
        d[pos + 1] = t;
        w = atoll(d) * (v < 0 ? -1 : 1);
    } else {
        int pos = pick(n);
        char old = d[pos], nd;
        do
            nd = (char)('0' + pick(10));
        while (nd == old || (pos == 0 && n > 1 && nd == '0'));
        d[pos] = nd;
        w = atoll(d) * (v < 0 ? -1 : 1);
    }
    if (w == v)
        return -1;
    T->r[i].v[c] = w;
    return 0;
}

static int fault_misplaced(table *T)
{
    int i = pick(T->n), c1 = pick(T->ncol), c2 = pick(T->ncol);
    if (c1 == c2 || T->r[i].v[c1] == T->r[i].v[c2] || (T->r[i].v[c1] == 0 && T->r[i].v[c2] == 0))
        return -1;
    long long t = T->r[i].v[c1];
    T->r[i].v[c1] = T->r[i].v[c2];
    T->r[i].v[c2] = t;
    return 0;
}

static int fault_missing(table *T)
{
    int i = pick(T->n);
    if (has_children(T, i) || T->r[i].level == 0)
        return -1;
    delete_row(T, i);
    return 0;
}

static int fault_extra(table *T)
{
    int i = pick(T->n);
    if (has_children(T, i) || T->r[i].level == 0)
        return -1;
    if (notice_layout || pick(2)) { /* the same row twice */
        row copy = T->r[i];
        insert_row(T, i + 1, &copy);
        return 0;
    }
    /* a subtotal counted with its rows: 小计 at the end of the block */
    int p = parent_of(T, i), end = p + 1;
    while (end < T->n && T->r[end].level > T->r[p].level)
        end++;
    row sub;
    memset(&sub, 0, sizeof sub);
    sub.level = T->r[p].level + 1;
    snprintf(sub.name, sizeof sub.name, "%.120s小计", T->r[p].name);
    for (int k = p + 1; k < end; k++)
        if (T->r[k].level == sub.level)
            for (int c = 0; c < T->ncol; c++)
                sub.v[c] += T->r[k].v[c];
    insert_row(T, end, &sub);
    return 0;
}

static int fault_wrong_parent(table *T)
{
    int i = pick(T->n);
    if (T->r[i].level != 3 || has_children(T, i))
        return -1;
    int p = parent_of(T, i);
    /* another block at the same level */
    int q = pick(T->n);
    if (q == p || T->r[q].level != T->r[p].level || !has_children(T, q))
        return -1;
    row moved = T->r[i];
    delete_row(T, i);
    if (q > i)
        q--;
    int end = q + 1;
    while (end < T->n && T->r[end].level > T->r[q].level)
        end++;
    insert_row(T, q + 1 + pick(end - q), &moved);
    return 0;
}

static int fault_label_shift(table *T)
{
    int a = 1 + pick(T->n - 2), b = a + 1 + pick(6);
    if (b >= T->n)
        return -1;
    int change = 0;
    for (int k = a; k <= b; k++)
        change |= T->r[k].level != T->r[a - 1].level;
    if (!change)
        return -1;
    /* each row of the run takes the label (level and name) of the row above */
    if (b + 1 < T->n && T->r[b + 1].level > T->r[b - 1].level + 1)
        return -1;
    for (int k = b; k >= a; k--) {
        T->r[k].level = T->r[k - 1].level;
        memcpy(T->r[k].name, T->r[k - 1].name, sizeof T->r[k].name);
    }
    return 0;
}

static int fault_split(table *T)
{
    int i = pick(T->n);
    if (has_children(T, i))
        return -1;
    int m = 1 + pick(T->ncol - 1), left = 0, right = 0;
    for (int c = 0; c < T->ncol; c++)
        *(c < m ? &left : &right) += T->r[i].v[c] != 0;
    if (!left || !right)
        return -1;
    row second = T->r[i];
    second.name[0] = '\0';
    for (int c = 0; c < T->ncol; c++) {
        T->r[i].blank[c] = c >= m;
        second.blank[c] = c < m;
    }
    insert_row(T, i + 1, &second);
    return 0;
}

/* Scale one category by a factor near 1 and round every cell on its own, half away from zero;
 * year totals and this batch recomputed per row (as staff do). */
static int fault_rounding(table *T)
{
    int c = pick(T->ncat);
    long long num = 900 + pick(201), den = 1000;
    if (num == den)
        return -1;
    for (int i = 0; i < T->n; i++) {
        row *r = &T->r[i];
        long long x = r->v[c] * num;
        r->v[c] = (x >= 0 ? x + den / 2 : x - den / 2) / den;
        long long total = 0;
        for (int k = 0; k < T->ncat; k++)
            total += r->v[k];
        r->v[T->ncat] = total;
        r->v[T->ncat + 2] = total - r->v[T->ncat + 1];
    }
    return 0;
}

typedef int (*fault_fn)(table *);

typedef struct kind_eval {
    fp_cause_kind kind;
    fault_fn inject;
    int tried, silent, recalled, ambiguous, wrong_kind, wrong_fix, unexplained;
    int held; /* of wrong_fix: --fix applied nothing and said why (never guesses, issue 16) */
    int reported, correct; /* causes of this kind over all faults; those that were right */
} kind_eval;

/* ---- comparing tables ---- */

typedef struct key {
    char s[512];
    int wild; /* a placeholder name: matches any name */
} key;

/* Names the tool only guessed (a lost row's "probably …"): they match any name. */
static const char *soft[64];
static size_t nsoft;

static int is_soft(const char *name)
{
    if (strcmp(name, PLACEHOLDER_ROW) == 0 || strcmp(name, PLACEHOLDER_NAME) == 0)
        return 1;
    for (size_t i = 0; i < nsoft; i++)
        if (strcmp(name, soft[i]) == 0)
            return 1;
    return 0;
}

static int row_key(const fp_table *t, size_t r, key *k)
{
    size_t p = fp_table_parent(t, r);
    const char *name = fp_table_row_name(t, r);
    const char *pname = p == FP_NONE ? "" : fp_table_row_name(t, p);
    k->wild = is_soft(name) || is_soft(pname);
    int n = snprintf(k->s, sizeof k->s, "%d|", fp_table_depth(t, r));
    for (size_t c = 0; c < fp_table_column_count(t); c++)
        if (fp_table_column_is_amount(t, c)) {
            char buf[FP_AMOUNT_BUFSIZE];
            fp_amount_format(fp_table_amount(t, r, c), 0, buf);
            n += snprintf(k->s + n, sizeof k->s - (size_t)n, "%s,", buf);
        }
    if (!k->wild)
        snprintf(k->s + n, sizeof k->s - (size_t)n, "|%s|%s", pname, name);
    return 0;
}

/* Same rows (depth, parent, name, amounts), in any order. */
static int same_table(const fp_table *a, const fp_table *b)
{
    size_t n = fp_table_row_count(a);
    if (fp_table_row_count(b) != n)
        return 0;
    key *ka = malloc(n * sizeof *ka), *kb = malloc(n * sizeof *kb);
    unsigned char *used = calloc(n, 1);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        size_t keep = nsoft;
        nsoft = 0; /* the original's names are all real */
        row_key(a, i, &ka[i]);
        nsoft = keep;
        row_key(b, i, &kb[i]);
    }
    for (size_t i = 0; i < n && ok; i++) {
        size_t found = FP_NONE;
        for (size_t j = 0; j < n && found == FP_NONE; j++)
            if (!used[j] && !kb[j].wild && strcmp(ka[i].s, kb[j].s) == 0)
                found = j;
        for (size_t j = 0; j < n && found == FP_NONE; j++)
            if (!used[j] && kb[j].wild && strncmp(ka[i].s, kb[j].s, strlen(kb[j].s)) == 0)
                found = j;
        if (found == FP_NONE)
            ok = 0;
        else
            used[found] = 1;
    }
    free(ka);
    free(kb);
    free(used);
    return ok;
}

int main(int argc, char **argv)
{
    int per_kind = 250, notice = 0;
    const char *path = FENPEI_SOURCE_DIR "/allocations/xinjiang-2024-basic-public-health-batch2.csv";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            per_kind = atoi(argv[++i]);
        else if (strcmp(argv[i], "--notice") == 0)
            notice = notice_layout = 1;
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = rng = strtoull(argv[++i], NULL, 0) | 1;
        else
            path = argv[i];
    }
    table orig;
    if (load(path, &orig)) {
        fprintf(stderr, "eval_causes: cannot read %s\n", path);
        return 2;
    }
    fp_table *clean = NULL;
    fp_diag d;
    if (fp_table_load_file(path, NULL, &clean, &d) != FP_OK) {
        fprintf(stderr, "eval_causes: %s\n", d.message);
        return 2;
    }
    kind_eval kinds[] = {
        {FP_CAUSE_TYPO, fault_typo, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {FP_CAUSE_MISPLACED_CELL, fault_misplaced, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {FP_CAUSE_MISSING_ROW, fault_missing, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {FP_CAUSE_EXTRA_ROW, fault_extra, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {FP_CAUSE_LABEL_SHIFT, fault_label_shift, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {FP_CAUSE_SPLIT_ROW, fault_split, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {FP_CAUSE_ROUNDING_RESIDUE, fault_rounding, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {FP_CAUSE_WRONG_PARENT, fault_wrong_parent, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    };
    enum { NK = sizeof kinds / sizeof kinds[0] };
    table T;
    T.r = calloc(MAXROW, sizeof *T.r);
    int verbose = getenv("EVAL_VERBOSE") != NULL;
    for (int k = 0; k < NK; k++) {
        kind_eval *ke = &kinds[k];
        int made = 0;
        for (int attempt = 0; made < per_kind && attempt < per_kind * 200; attempt++) {
            memcpy(T.header, orig.header, sizeof T.header);
            T.ncol = orig.ncol;
            T.ncat = orig.ncat;
            T.n = orig.n;
            memcpy(T.r, orig.r, (size_t)orig.n * sizeof *T.r);
            if (ke->inject(&T))
                continue;
            size_t len;
            char *csv = notice ? to_notice(&T, &len) : to_csv(&T, &len);
            fp_table *t = NULL;
            fp_report *rep = NULL;
            fp_causes *cs = NULL;
            if (fp_table_load_memory(csv, len, "fault.csv", NULL, &t, &d) != FP_OK) {
                free(csv);
                continue; /* a shift that leaves a level jumping by two: not a table */
            }
            if (fp_check(t, NULL, &rep, &d) != FP_OK || fp_explain(t, rep, NULL, &cs, &d) != FP_OK) {
                fprintf(stderr, "eval_causes: %s\n", d.message);
                return 2;
            }
            ke->tried++;
            /* a fault that leaves every identity holding is counted apart, unless a note (names
             * one row late in the notice layout) points at it */
            int noted = 0;
            for (size_t i = 0; i < fp_causes_count(cs); i++)
                noted |= fp_cause_is_note(cs, fp_causes_get(cs, i)) &&
                         fp_causes_get(cs, i)->kind == ke->kind;
            if (fp_report_errors(rep) == 0 && !noted) {
                ke->silent++;
                goto next;
            }
            made++;
            int all_kind = 1, any_amb = 0, unexplained = 0;
            for (size_t i = 0; i < fp_report_count(rep); i++) {
                const fp_finding *f = fp_report_finding(rep, i);
                if (f->severity != FP_SEVERITY_ERROR)
                    continue;
                const fp_cause *c = fp_causes_of_finding(cs, i);
                if (!c)
                    unexplained = 1;
                else if (c->kind == FP_CAUSE_AMBIGUOUS)
                    any_amb = 1;
                else if (c->kind != ke->kind)
                    all_kind = 0;
            }
            if (fp_report_errors(rep) == 0)
                for (size_t i = 0; i < fp_causes_count(cs); i++)
                    all_kind &= fp_causes_get(cs, i)->kind == ke->kind;
            int ok = all_kind && !any_amb && !unexplained, fix_failed = 0, held_now = 0;
            if (ok) {
                fp_table *fixed = NULL;
                size_t applied;
                nsoft = 0;
                for (size_t i = 0; i < fp_causes_count(cs) && nsoft < 64; i++) {
                    const fp_cause *c = fp_causes_get(cs, i);
                    if (c->kind == FP_CAUSE_MISSING_ROW && c->name)
                        soft[nsoft++] = c->name;
                    if (c->kind == FP_CAUSE_LABEL_SHIFT && c->ncells &&
                        c->cells[c->ncells - 1].suggested_text)
                        soft[nsoft++] = c->cells[c->ncells - 1].suggested_text;
                }
                if (fp_causes_fix(t, cs, &fixed, &applied, &d) != FP_OK) {
                    ok = 0;
                } else if (ke->kind == FP_CAUSE_ROUNDING_RESIDUE) {
                    /* left alone (which rows take the units is a choice), or put back on the one
                     * subtotal row that stands out: then the fixed table passes */
                    fp_report *after = NULL;
                    ok = applied == 0 || (fp_check(fixed, NULL, &after, &d) == FP_OK &&
                                          fp_report_errors(after) == 0);
                    fp_report_free(after);
                } else {
                    ok = same_table(clean, fixed);
                }
                fp_table_free(fixed);
                fix_failed = !ok;
                if (fix_failed && applied == 0)
                    ke->held++;
                held_now = applied == 0;
            }
            if (ok)
                ke->recalled++;
            else if (any_amb)
                ke->ambiguous++;
            else if (unexplained)
                ke->unexplained++;
            else if (fix_failed)
                ke->wrong_fix++;
            else
                ke->wrong_kind++;
            if (!ok && verbose) {
                fprintf(stderr, "--- %s missed%s:\n", fp_cause_kind_name(ke->kind),
                        fix_failed && !held_now ? " (--fix wrote a table that differs)" : "");
                for (size_t i = 0; i < fp_causes_count(cs); i++)
                    fprintf(stderr, "  %s\n", fp_causes_get(cs, i)->text_zh);
                if (fp_causes_count(cs) == 0)
                    fprintf(stderr, "%s\n", csv);
            }
            /* precision: every cause reported, by kind (notes of the names too) */
            for (size_t i = 0; i < fp_causes_count(cs); i++) {
                const fp_cause *c = fp_causes_get(cs, i);
                if (verbose && fp_cause_is_note(cs, c) && c->kind != ke->kind)
                    fprintf(stderr, "--- %s: note %s\n", fp_cause_kind_name(ke->kind), c->text_zh);
                for (int q = 0; q < NK; q++)
                    if (kinds[q].kind == c->kind) {
                        kinds[q].reported++;
                        kinds[q].correct += ok && q == k;
                    }
            }
        next:
            fp_causes_free(cs);
            fp_report_free(rep);
            fp_table_free(t);
            free(csv);
        }
    }
    printf("%s layout, %d faults with errors per kind, seed %llu\n\n", notice ? "notice" : "canonical",
           per_kind, (unsigned long long)seed);
    printf("| fault injected | faults tried | no error found | faults with errors | recalled | recall | ambiguous | other cause | "
           "right kind, wrong fix | of which left alone | unexplained | causes of this kind | "
           "precision |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int k = 0; k < NK; k++) {
        const kind_eval *ke = &kinds[k];
        int visible = ke->tried - ke->silent; /* = FAULTS_PER_KIND */
        printf("| %s | %d | %d | %d | %d | %.1f%% | %d | %d | %d | %d | %d | %d | %.1f%% |\n",
               fp_cause_kind_name(ke->kind), ke->tried, ke->silent, visible, ke->recalled,
               visible ? 100.0 * ke->recalled / visible : 0.0, ke->ambiguous, ke->wrong_kind,
               ke->wrong_fix, ke->held, ke->unexplained, ke->reported,
               ke->reported ? 100.0 * ke->correct / ke->reported : 0.0);
    }
    free(T.r);
    free(orig.r);
    fp_table_free(clean);
    return 0;
}
