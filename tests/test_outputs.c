/* tests/test_outputs.c — the program's output files: never over an input, all or nothing, full
 * disks, modes, non-regular targets, signals. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/* Make FENPEI_TEST_TMP/SUB empty and enter it. */
static void enter_empty(const char *sub)
{
    char *dir = th_tmp_dir(sub);
    cr_assert_eq(chdir(dir), 0, "cannot enter %s", dir);
    free(dir);
    DIR *d = opendir(".");
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat sb;
        if (lstat(e->d_name, &sb) == 0 && S_ISDIR(sb.st_mode))
            rmdir(e->d_name);
        else
            unlink(e->d_name);
    }
    closedir(d);
}

/* Run the shell command CMD in the current folder ($F is the program, $T the bundled table). */
static th_run sh(const char *cmd)
{
    char script[4096];
    snprintf(script, sizeof script, "F='%s'; T='%s'; %s", FENPEI_BIN, TH_BUNDLED, cmd);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    return th_run_argv(argv);
}

/* The names in the current folder, sorted, one per line. */
static char *listing(void)
{
    th_run r = sh("ls -A | sort");
    char *s = r.out;
    r.out = NULL;
    th_run_free(&r);
    return s;
}

static void copy_bundled(const char *name)
{
    size_t len;
    char *csv = th_read_file(TH_BUNDLED, &len);
    cr_assert_not_null(csv);
    FILE *f = fopen(name, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(csv, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
    free(csv);
}

static void file_is(const char *name, const char *text)
{
    char *got = th_read_file(name, NULL);
    cr_assert_not_null(got, "%s is missing", name);
    cr_assert_str_eq(got, text, "%s changed", name);
    free(got);
}

/* ---- never over an input ---- */

Test(inputs, convert_onto_its_own_workbook_is_refused_even_with_force)
{
    enter_empty("outputs-own-workbook");
    th_run r = sh("cp \"$(dirname \"$T\")/../tests/data/xlsx/bundled-numbers.xlsx\" b.xlsx && "
                  "cp b.xlsx orig.xlsx && \"$F\" convert b.xlsx -o b.xlsx --force; echo rc=$?; "
                  "cmp b.xlsx orig.xlsx && echo same");
    cr_assert_str_eq(r.out, "rc=2\nsame\n");
    cr_assert_str_eq(r.err,
                     "fenpei: b.xlsx is an input of this command; write the output to another file\n");
    th_run_free(&r);
}

Test(inputs, another_name_of_the_input_is_refused)
{
    enter_empty("outputs-hard-link");
    copy_bundled("t.csv");
    th_run r = sh("ln t.csv u.csv && \"$F\" convert t.csv -o u.csv --force; echo rc=$?; "
                  "ln -s t.csv v.csv && \"$F\" convert t.csv -o v.csv --force; echo rc=$?");
    cr_assert_str_eq(r.out, "rc=2\nrc=2\n");
    cr_assert_str_eq(r.err,
                     "fenpei: u.csv is an input of this command; write the output to another file\n"
                     "fenpei: v.csv is an input of this command; write the output to another file\n");
    th_run_free(&r);
}

/* ---- all or nothing ---- */

Test(all_or_nothing, realloc_onto_a_folder_changes_no_file)
{
    enter_empty("outputs-all-or-nothing");
    th_run r = sh("echo old > p.csv && mkdir D && \"$F\" realloc \"$T\" --set "
                  "总计:原基本公共卫生项目=27000 -o p.csv --diff D --force");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: D is a folder\n");
    file_is("p.csv", "old\n");
    char *ls = listing();
    cr_assert_str_eq(ls, "D\np.csv\n");
    free(ls);
    th_run_free(&r);
}

Test(all_or_nothing, check_xlsx_onto_a_folder_prints_no_report)
{
    enter_empty("outputs-check-folder");
    th_run r = sh("mkdir D && \"$F\" check \"$T\" --xlsx D --force");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: D is a folder\n");
    th_run_free(&r);
}

/* ---- full disks ---- */

/* Every command, the disk full at the last step: the target named once, no report, no file. */
Test(full_disk, every_output_names_its_target_once_and_leaves_nothing)
{
    enter_empty("outputs-enospc");
    static const char *const cmds[] = {
        "\"$F\" convert \"$T\" -o c.csv",
        "\"$F\" notice \"$T\" -o n.xlsx",
        "\"$F\" check \"$T\" --xlsx a.xlsx",
        "\"$F\" realloc \"$T\" --set 总计:原基本公共卫生项目=27000 -o p.csv",
    };
    static const char *const want[] = {"c.csv", "n.xlsx", "a.xlsx", "p.csv"};
    for (size_t i = 0; i < 4; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "FENPEI_INJECT=enospc %s", cmds[i]);
        th_run r = sh(cmd);
        char msg[128];
        snprintf(msg, sizeof msg, "fenpei: cannot write %s: No space left on device\n", want[i]);
        cr_assert_eq(r.status, 2, "%s", cmds[i]);
        cr_assert_str_eq(r.out, "", "%s", cmds[i]);
        cr_assert_str_eq(r.err, msg);
        th_run_free(&r);
        char *ls = listing();
        cr_assert_str_eq(ls, "", "%s left %s", cmds[i], ls);
        free(ls);
    }
}

/* A file size limit makes libxlsxwriter's own writes fail (as a full disk does): its [ERROR]
 * lines and the temporary name stay hidden. */
Test(full_disk, workbook_write_failure_is_one_line_naming_the_target)
{
    enter_empty("outputs-fsize");
    th_run r = sh("ulimit -f 2; trap '' XFSZ; \"$F\" notice \"$T\" -o n.xlsx");
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "fenpei: cannot write n.xlsx: File too large\n");
    char *ls = listing();
    cr_assert_str_eq(ls, "");
    free(ls);
    th_run_free(&r);
}

/* ---- modes ---- */

Test(modes, new_files_follow_the_umask_and_force_keeps_the_old_mode)
{
    enter_empty("outputs-modes");
    th_run r = sh("umask 077; \"$F\" convert \"$T\" -o a.csv >/dev/null; "
                  "umask 002; \"$F\" notice \"$T\" -o b.xlsx >/dev/null; "
                  "umask 022; echo x > c.csv; chmod 600 c.csv; "
                  "\"$F\" convert \"$T\" -o c.csv --force >/dev/null; "
                  "stat -c '%n %a' a.csv b.xlsx c.csv");
    cr_assert_str_eq(r.out, "a.csv 600\nb.xlsx 664\nc.csv 600\n", "%s", r.err);
    th_run_free(&r);
}

Test(modes, force_onto_a_fifo_or_a_device_is_refused)
{
    enter_empty("outputs-fifo");
    th_run r = sh("mkfifo f && \"$F\" convert \"$T\" -o f --force; echo rc=$?; "
                  "\"$F\" convert \"$T\" -o /dev/null --force; echo rc=$?");
    cr_assert_str_eq(r.out, "rc=2\nrc=2\n");
    cr_assert_str_eq(r.err, "fenpei: f is a FIFO, not a regular file\n"
                            "fenpei: /dev/null is a device, not a regular file\n");
    th_run_free(&r);
}

/* ---- signals ---- */

Test(signals, sigterm_while_writing_removes_the_temporary_file)
{
    enter_empty("outputs-sigterm");
    th_run r = sh("FENPEI_INJECT=sigterm \"$F\" notice \"$T\" -o n.xlsx; echo rc=$?");
    cr_assert_str_eq(r.out, "rc=143\n");
    char *ls = listing();
    cr_assert_str_eq(ls, "");
    free(ls);
    th_run_free(&r);
}
