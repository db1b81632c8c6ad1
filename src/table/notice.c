/* table/notice.c — rebuild the tree of a table laid out as printed in a notice (stub). */
#include "table/table_impl.h"
