/* tests/install/downstream.c — a program outside the project, built against the installed
 * libfenpei (pkg-config or find_package): load a table, check it, print the counts. */
#include <stdio.h>

#include <fenpei/fenpei.h>

int main(int argc, char **argv)
{
    fp_table *t;
    fp_report *r;
    fp_diag d;
    if (argc != 2)
        return 2;
    if (fp_table_load_file(argv[1], NULL, &t, &d) != FP_OK) {
        fprintf(stderr, "%s:%ld: %s\n", d.file, d.line, d.message);
        return 2;
    }
    if (fp_check(t, NULL, &r, &d) != FP_OK) {
        fp_table_free(t);
        return 2;
    }
    printf("libfenpei %s (%s): %zu rows, %zu errors\n", fp_version(), FP_VERSION_STRING,
           fp_table_row_count(t), fp_report_errors(r));
    int errors = fp_report_errors(r) != 0;
    fp_report_free(r);
    fp_table_free(t);
    return errors;
}
