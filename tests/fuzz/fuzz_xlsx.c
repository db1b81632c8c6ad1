/* tests/fuzz/fuzz_xlsx.c — libFuzzer target: the XLSX reader never crashes, leaks or misbehaves.
 *
 * Mutating a ZIP byte by byte mostly breaks its checksums, so most inputs are parts to zip:
 * the input, split at each "\n==\n", is xl/worksheets/sheet1.xml, xl/sharedStrings.xml,
 * xl/workbook.xml, xl/_rels/workbook.xml.rels and xl/worksheets/sheet2.xml in that order; the
 * parts not given are those of a plain two-sheet workbook. The harness stores them in a ZIP
 * (uncompressed) and loads it. An input that already is a ZIP ("PK\3\4…") is loaded as it is,
 * which fuzzes the container too. An odd first byte also loads the second sheet by name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "fenpei/fenpei.h"
#include "fuzz_meaning.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char *const names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                    "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                    "xl/worksheets/sheet2.xml"};
static const char *const defaults[] = {
    "<worksheet xmlns=\"" NS_MAIN "\"><sheetData/></worksheet>",
    "<sst xmlns=\"" NS_MAIN "\"><si><t>单位</t></si><si><t>金额</t></si></sst>",
    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
    "<sheet name=\"S1\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"S2\" sheetId=\"2\" "
    "r:id=\"rId2\"/></sheets></workbook>",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>",
    "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
    "<c r=\"B1\" t=\"s\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>甲"
    "</t></is></c><c r=\"B2\"><v>1</v></c></row></sheetData></worksheet>"};

/* The input's parts stored in a ZIP in memory; its size to *LEN. NULL when libzip fails. */
static void *make_zip(const uint8_t *data, size_t size, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    void *out = NULL;
    if (!za) {
        zip_source_free(src);
        zip_error_fini(&ze);
        return NULL;
    }
    zip_source_keep(src);
    const char *p = (const char *)data, *end = p + size;
    for (size_t k = 0; k < 5; k++) {
        const char *part;
        size_t n;
        if (p) {
            const char *sep = NULL;
            for (const char *q = p; q + 4 <= end; q++)
                if (memcmp(q, "\n==\n", 4) == 0) {
                    sep = q;
                    break;
                }
            part = p;
            n = sep ? (size_t)(sep - p) : (size_t)(end - p);
            p = sep ? sep + 4 : NULL;
        } else {
            part = defaults[k];
            n = strlen(part);
        }
        zip_source_t *s = zip_source_buffer(za, part, n, 0);
        zip_int64_t i = s ? zip_file_add(za, names[k], s, 0) : -1;
        if (i < 0) {
            zip_source_free(s);
            zip_discard(za);
            goto done;
        }
        zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        goto done;
    }
    zip_stat_t st;
    if (zip_source_open(src) == 0) {
        if (zip_source_stat(src, &st) == 0 && (out = malloc(st.size ? st.size : 1)) &&
            zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
            free(out);
            out = NULL;
        }
        *len = st.size;
        zip_source_close(src);
    }
done:
    zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

static void load(const void *bytes, size_t len, const char *sheet)
{
    fp_load_options o;
    fp_load_options_init(&o);
    o.sheet = sheet;
    fp_table *t = NULL;
    fp_diag d;
    fp_error e = fp_table_load_memory(bytes, len, "fuzz.xlsx", &o, &t, &d);
    if ((e == FP_OK) != (t != NULL) || (e != FP_OK && d.code != e))
        abort();
    if (t) {
        static FILE *null;
        if (!null && !(null = fopen("/dev/null", "w")))
            abort();
        fp_table_write_csv(t, null, -1, NULL);
        fuzz_assert_meaning(t);
        fp_table_free(t);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
        load(data, size, NULL);
        return 0;
    }
    size_t len = 0;
    void *zip = make_zip(data, size, &len);
    if (!zip)
        return 0;
    load(zip, len, NULL);
    if (size && (data[0] & 1))
        load(zip, len, "S2");
    free(zip);
    return 0;
}
