"""`mlsd drill`: short cards made from the case content (a rubric item, a sizing estimate, a
trade-off, a post-mortem), graded by the same judges as everything else and scheduled by
spaced repetition (FSRS)."""
