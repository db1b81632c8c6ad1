/* check/letter.c — the amounts a letter states, matched to the table and compared. */
