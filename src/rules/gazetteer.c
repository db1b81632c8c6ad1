/* rules/gazetteer.c — China's county-level divisions (stub until it lands). */
