"""Compiled rubric concepts kept between runs, so that scoring need not compile them again.

One file, `paths.cache_dir()/content/concepts.json`, holds every concept compiled so far
(its phrases -> its terms), keyed on the mlsd version, the glossary's term groups and the
source of the modules that decide the patterns (the matcher and the stemmer). An entry with
another key, or one that cannot be read or does not parse, is ignored (and later replaced);
it is written atomically, and a cache that cannot be written only makes scoring slower.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from mlsd_coach import __version__, paths
from mlsd_coach.cache_files import source_digest, write_json_atomically
from mlsd_coach.content.case_cache import CACHE_SUBDIR
from mlsd_coach.content.models import Glossary
from mlsd_coach.errors import BadInputError
from mlsd_coach.scoring.matcher import CompiledTable, Term, glossary_key

CACHE_FILE = "concepts.json"
# The modules whose code decides the patterns a concept compiles to.
_PATTERN_SOURCES = ("matcher.py", "text.py", "common_words.txt")


def load(glossary: Glossary) -> CompiledTable:
    """The concepts compiled against `glossary` in earlier runs; empty when there are none
    usable (no cache, another key, a corrupt file)."""
    entry = cache_file()
    if entry is None:
        return {}
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != _key(glossary):
            return {}
        return _table(data["table"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save(glossary: Glossary, table: CompiledTable) -> None:
    """Keep `table` (every concept compiled against `glossary`) for the next run."""
    entry = cache_file()
    if entry is None:
        return
    payload = {
        "key": _key(glossary),
        "table": [
            [list(phrases), [[list(term.stems), term.distinctive] for term in terms]]
            for phrases, terms in table.items()
        ],
    }
    write_json_atomically(entry, payload)


def cache_file() -> Path | None:
    """Where compiled concepts are kept; None when mlsd's home cannot be used."""
    try:
        return paths.cache_dir() / CACHE_SUBDIR / CACHE_FILE
    except BadInputError:  # an unusable home is reported by the commands that need it
        return None


def _key(glossary: Glossary) -> list[object]:
    groups = [list(terms) for terms in glossary_key(glossary)]
    return [__version__, pattern_fingerprint(), groups]


@cache
def pattern_fingerprint() -> str:
    """A digest of the matcher's and the stemmer's source: editing either drops the cache."""
    return source_digest(Path(__file__).resolve().parent, _PATTERN_SOURCES)


def _table(rows: object) -> CompiledTable:
    """The table stored as `rows`; TypeError unless every phrase and term is well formed."""
    if not isinstance(rows, list):
        raise TypeError("the table is not a list")
    table: CompiledTable = {}
    for phrases, terms in rows:
        if not isinstance(terms, list):
            raise TypeError("terms are not a list")
        table[_strings(phrases)] = tuple(_term(term) for term in terms)
    return table


def _term(value: object) -> Term:
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[1], bool):
        raise TypeError("a term is [stems, distinctive]")
    return Term(_strings(value[0]), value[1])


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of strings")
    return tuple(value)
