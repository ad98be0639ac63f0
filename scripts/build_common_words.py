"""Regenerate mlsd_coach/scoring/common_words.txt from wordfreq (a development-time tool:
`pip install wordfreq`; mlsd itself never imports it).

Run: python scripts/build_common_words.py
"""

from __future__ import annotations

from pathlib import Path

from wordfreq import top_n_list, zipf_frequency  # type: ignore[import-not-found]

THRESHOLD = 3.45  # "funnel" (3.47) is common; "calibration" (3.34) and "latency" (3.31) are not
TARGET = Path(__file__).resolve().parent.parent / "mlsd_coach" / "scoring" / "common_words.txt"
HEADER = """\
# Common English words: every purely alphabetic ASCII word with a Zipf frequency of at least
# 3.45 in the English word list of wordfreq 3.1.1 (Robyn Speer; data CC BY-SA 4.0,
# https://github.com/rspeer/wordfreq). Regenerate with scripts/build_common_words.py.
# A rubric phrase that is one of these words alone is too common to evidence a concept.
"""


def main() -> None:
    words = {
        word
        for word in top_n_list("en", 60_000)
        if word.isalpha() and word.isascii() and zipf_frequency(word, "en") >= THRESHOLD
    }
    TARGET.write_text(HEADER + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words):,} words written to {TARGET}")


if __name__ == "__main__":
    main()
