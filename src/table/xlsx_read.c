/* table/xlsx_read.c — read a worksheet of an XLSX workbook (stub until the reader lands). */
#include "table/loader.h"
