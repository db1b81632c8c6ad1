/* report/json.c — the one JSON writer of the reports: strings, amounts, nulls. */
#include "report/json.h"

void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void json_amount(FILE *out, fp_amount v)
{
    char buf[FP_AMOUNT_BUFSIZE];
    fp_amount_format(v, 0, buf);
    json_string(out, buf);
}

void json_amount_or_null(FILE *out, int has, fp_amount v)
{
    if (has)
        json_amount(out, v);
    else
        fputs("null", out);
}

void json_string_or_null(FILE *out, const char *s)
{
    if (s)
        json_string(out, s);
    else
        fputs("null", out);
}

void json_text_or_null(FILE *out, const char *s)
{
    json_string_or_null(out, s && *s ? s : NULL);
}
