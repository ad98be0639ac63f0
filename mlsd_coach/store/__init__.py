"""The history database: sessions, every answer as it was entered, scores and timings."""
