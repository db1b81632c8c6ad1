/* util/int128.h — the 128-bit integer types of exact arithmetic, in one place (private). */
#ifndef FENPEI_UTIL_INT128_H
#define FENPEI_UTIL_INT128_H

/* GCC and Clang on 64-bit targets; __extension__ keeps -Wpedantic quiet about the type. */
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#endif
