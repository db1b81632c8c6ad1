/* tests/bench/bench_check.c — load-and-check throughput on a synthetic national-scale table.
 *
 *   bench_check [ROWS [CATEGORIES]]     (default 1,000,000 rows, 10 categories)
 *   bench_check --write FILE ROWS CATEGORIES   (only write the table, for tests/bench/speed.sh)
 *
 * Writes a deterministic 4-level table (全国 → 34 provinces → 12 prefectures each → counties)
 * to a temporary CSV, then, for 1/4, 1/2 and all of the rows, loads and checks it in a child
 * process and reports wall time, rows/s, MB/s and the child's peak memory. A benchmark, not a
 * test: it asserts only that the table checks clean. Results go in docs/benchmarks.md. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fenpei/fenpei.h"

#define PROVINCES 34
#define PREFECTURES 12
#define MAXCAT 64

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) /* xorshift64: the same table on every machine */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

typedef struct sums {
    int64_t v[MAXCAT + 3];
} sums;

static void put_row(FILE *f, int level, const char *name, const int64_t *v, int n)
{
    fprintf(f, "%d,%s", level, name);
    for (int i = 0; i < n; i++)
        fprintf(f, ",%lld", (long long)v[i]);
    fputc('\n', f);
}

/* Leaves first into a scratch file per prefecture would cost I/O; instead compute the leaves of
 * a prefecture twice from a saved generator state: once to sum them, once to print them. */
static void leaf(int ncat, int64_t *v)
{
    int64_t t = 0;
    for (int k = 0; k < ncat; k++) {
        v[k] = (int64_t)(next() % 1000);
        t += v[k];
    }
    v[ncat] = t;
    v[ncat + 1] = t * 9 / 10;
    v[ncat + 2] = t - v[ncat + 1];
}

static void generate(const char *path, long rows, int ncat)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs("级次,单位", f);
    for (int k = 0; k < ncat; k++)
        fprintf(f, ",类别%d", k + 1);
    fputs(",全年应拨付资金合计,已提前下达,此次下达\n", f);
    int n = ncat + 3;
    long leaves = rows - 1 - PROVINCES - PROVINCES * PREFECTURES;
    long per = leaves / (PROVINCES * PREFECTURES);
    long extra = leaves % (PROVINCES * PREFECTURES);
    int64_t v[MAXCAT + 3];
    /* pass 1: sums of every prefecture and province, and the total */
    uint64_t start = rng;
    static sums pref[PROVINCES][PREFECTURES], prov[PROVINCES], all;
    memset(pref, 0, sizeof pref);
    memset(prov, 0, sizeof prov);
    memset(&all, 0, sizeof all);
    for (int p = 0; p < PROVINCES; p++)
        for (int q = 0; q < PREFECTURES; q++) {
            long count = per + ((long)p * PREFECTURES + q < extra);
            for (long c = 0; c < count; c++) {
                leaf(ncat, v);
                for (int i = 0; i < n; i++)
                    pref[p][q].v[i] += v[i];
            }
            for (int i = 0; i < n; i++)
                prov[p].v[i] += pref[p][q].v[i];
        }
    for (int p = 0; p < PROVINCES; p++)
        for (int i = 0; i < n; i++)
            all.v[i] += prov[p].v[i];
    /* pass 2: print in pre-order */
    rng = start;
    put_row(f, 0, "全国", all.v, n);
    char name[64];
    long id = 0;
    for (int p = 0; p < PROVINCES; p++) {
        snprintf(name, sizeof name, "省%02d", p + 1);
        put_row(f, 1, name, prov[p].v, n);
        for (int q = 0; q < PREFECTURES; q++) {
            snprintf(name, sizeof name, "地%02d%02d", p + 1, q + 1);
            put_row(f, 2, name, pref[p][q].v, n);
            long count = per + ((long)p * PREFECTURES + q < extra);
            for (long c = 0; c < count; c++) {
                leaf(ncat, v);
                snprintf(name, sizeof name, "县%07ld", ++id);
                put_row(f, 3, name, v, n);
            }
        }
    }
    if (fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load and check PATH in a child; print one line of results. */
static void measure(const char *path, long rows)
{
    struct stat st;
    stat(path, &st);
    int fd[2];
    if (pipe(fd) != 0)
        exit(2);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        double t0 = now();
        fp_table *t;
        fp_report *r;
        fp_diag d;
        if (fp_table_load_file(path, NULL, &t, &d) != FP_OK) {
            fprintf(stderr, "load: %s\n", d.message);
            _exit(2);
        }
        double t1 = now();
        if (fp_check(t, NULL, &r, &d) != FP_OK || fp_report_count(r) != 0) {
            fprintf(stderr, "check failed\n");
            _exit(2);
        }
        double t2 = now();
        double res[3] = {t0, t1, t2};
        if (write(fd[1], res, sizeof res) != (ssize_t)sizeof res)
            _exit(2);
        _exit(0); /* the OS frees the table: as the fenpei program itself would */
    }
    close(fd[1]);
    double res[3];
    ssize_t got = read(fd[0], res, sizeof res);
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    if (got != (ssize_t)sizeof res || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "bench_check: the child failed\n");
        exit(2);
    }
    double load = res[1] - res[0], check = res[2] - res[1], all = res[2] - res[0];
    double mb = (double)st.st_size / 1e6;
    printf("%9ld rows %7.1f MB  load %.3f s  check %.3f s  total %.3f s  %6.2f Mrows/s  "
           "%6.1f MB/s  peak %6.1f MB (%.2fx file)\n",
           rows, mb, load, check, all, (double)rows / all / 1e6, mb / all,
           (double)ru.ru_maxrss / 1e3, (double)ru.ru_maxrss * 1e3 / (double)st.st_size);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--write") == 0) { /* bench_check --write FILE ROWS CATS */
        long n = atol(argv[3]);
        int k = atoi(argv[4]);
        if (n < 1000 || k < 1 || k > MAXCAT)
            return 2;
        generate(argv[2], n, k);
        return 0;
    }
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    int ncat = argc > 2 ? atoi(argv[2]) : 10;
    if (rows < 1000 || ncat < 1 || ncat > MAXCAT) {
        fprintf(stderr, "usage: bench_check [ROWS ≥ 1000 [CATEGORIES 1..64]]\n");
        return 2;
    }
    char path[] = "/tmp/fenpei-bench-XXXXXX.csv";
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        perror("mkstemps");
        return 2;
    }
    close(fd);
    printf("fenpei %s bench_check: %d categories, 4 levels, 1 process, 1 core\n", fp_version(),
           ncat);
    for (int part = 4; part >= 1; part /= 2) {
        rng = 88172645463325252ULL;
        generate(path, rows / part, ncat);
        measure(path, rows / part);
    }
    unlink(path);
    return 0;
}
