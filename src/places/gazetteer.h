/* places/gazetteer.h — China's divisions down to the county level, for reading unit names (private).
 * The data (GB/T 2260 codes, names, parents, short forms such as 博州) is generated from
 * src/places/divisions.csv by src/places/make_gazetteer.py and embedded: no file is read. */
#ifndef FENPEI_GAZETTEER_H
#define FENPEI_GAZETTEER_H

#include <stddef.h>

/* Levels of a division. */
enum { GZ_PROVINCE = 1, GZ_PREFECTURE = 2, GZ_COUNTY = 3 };

/* Results of gz_resolve besides an entry. */
enum { GZ_NONE = -1, GZ_AMBIGUOUS = -2 };

/* Number of divisions (entries are numbered 0 … gz_count() - 1). */
int gz_count(void);
/* Official name, GB/T 2260 code, level and parent entry (-1 for a province) of entry E; for an
 * E that is no entry (GZ_NONE, GZ_AMBIGUOUS): "", -1, 0 and -1. */
const char *gz_name(int e);
long gz_code(int e);
int gz_level(int e);
int gz_parent(int e);
/* 1 when entry E lies within entry ANC (or is ANC). */
int gz_within(int e, int anc);

/* The one division named NAME (a table's unit name: spaces and a trailing colon are ignored;
 * official names and short forms both count) at LEVEL (0: any level) inside WITHIN (-1:
 * anywhere). GZ_NONE when there is none, GZ_AMBIGUOUS when there are several. */
int gz_resolve(const char *name, int level, int within);

/* The short name a table would print for entry E (博州 for 博尔塔拉蒙古自治州, 木垒县 for
 * 木垒哈萨克自治县 — the shortest short form, else the official name). */
const char *gz_short_name(int e);

/* 1 when NAME (as in gz_resolve) is entry E's official name or one of its short forms. */
int gz_names(int e, const char *name);

/* Entry E's former name (库车县 for 库车市), or NULL when it has none. */
const char *gz_former_name(int e);

/* The code by which tables order entry E among its siblings: its code, except for a county
 * renamed into a city, listed where the county was (库车市 as 库车县 652923), for a city
 * created recently, listed after its siblings (阿拉山口市), and for the few a province's own
 * documents list against their codes (克拉玛依区 first, 阿瓦提县 before 乌什县). */
long gz_listing_code(int e);

/* The year entry E took its name when it has a former name and the year is known, else 0. */
int gz_renamed_year(int e);

#endif
