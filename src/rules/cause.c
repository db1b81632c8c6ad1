/* rules/cause.c — the likely cause of each failing identity (stub until it lands). */
