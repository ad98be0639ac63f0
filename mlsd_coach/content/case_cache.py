"""Validated content files, kept so that a command need not parse and validate YAML each run.

A content file that passed every check is stored as its model's JSON under
`paths.cache_dir()/content/`, keyed on the file's path, size and modification time, on the
files it was checked against (a case's frameworks), the mlsd version and the source of the
modules that decide validity (the models and the checks). Any change to any of them misses
the cache, so stale content is never served. Entries are written atomically; one that cannot
be read, does not parse or no longer validates is ignored and rebuilt. A process also keeps
what it loaded in memory under the same key, for commands run many times in one process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mlsd_coach import __version__, paths
from mlsd_coach.cache_files import source_digest, write_json_atomically
from mlsd_coach.errors import BadInputError

if TYPE_CHECKING:  # pydantic is not needed to fingerprint content (the catalog does that)
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")
Key = list[object]

CACHE_SUBDIR = "content"
# The modules whose code decides whether a file is valid and what its model holds.
_VALIDITY_SOURCES = ("models.py", "crossref.py", "loader.py", "yaml_source.py", "textfile.py")
_memory: dict[str, tuple[Key, BaseModel]] = {}


def cached_model(path: Path, model: type[M], build: Callable[[], M], depends_on: Sequence[Path] = ()) -> M:
    """`build()`'s model of the content file `path`, from the cache while neither it nor any
    of `depends_on` changed. `build` raises for an invalid file, which is never cached."""
    key = file_key(path, model, depends_on)
    if key is None:  # the file cannot be stat'ed: let `build` report why
        return build()
    name = _entry_name(path, model)
    remembered = _memory.get(name)
    if remembered is not None and remembered[0] == key:
        return remembered[1]  # type: ignore[return-value]  # the name holds the model's name
    entry = _cache_file(name)
    found = _read(entry, key, model) if entry is not None else None
    if found is None:
        found = build()
        if entry is not None:
            _write(entry, key, found)
    _memory[name] = (key, found)
    return found


def file_key(path: Path, model: type[BaseModel], depends_on: Sequence[Path] = ()) -> Key | None:
    """What must be unchanged for a cached model of `path` to be served; None if `path` (or a
    file it depends on) cannot be stat'ed."""
    stamps: Key = []
    for file in (path, *depends_on):
        try:
            status = file.stat()
        except OSError:
            return None
        stamps.append([str(file.absolute()), status.st_size, status.st_mtime_ns])
    return [__version__, model.__name__, validity_fingerprint(), stamps]


def cache_file(path: Path, model: type[BaseModel]) -> Path | None:
    """Where the model of `path` is cached; None when mlsd's home cannot be used."""
    return _cache_file(_entry_name(path, model))


def _cache_file(name: str) -> Path | None:
    try:
        return paths.cache_dir() / CACHE_SUBDIR / f"{name}.json"
    except BadInputError:  # an unusable home is reported by the commands that need it
        return None


@cache
def validity_fingerprint() -> str:
    """A digest of the source of the modules that decide validity: editing a model or a check
    invalidates every cached file, even without a version bump."""
    return source_digest(Path(__file__).resolve().parent, _VALIDITY_SOURCES)


def forget_in_memory() -> None:
    """Drop what this process remembers (the on-disk entries stay)."""
    _memory.clear()


def _entry_name(path: Path, model: type[BaseModel]) -> str:
    return hashlib.sha256(f"{model.__name__}:{path.absolute()}".encode()).hexdigest()[:32]


def _read(entry: Path, key: Key, model: type[M]) -> M | None:
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return model.model_validate(data["model"])
    except (OSError, ValueError, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
        return None


def _write(entry: Path, key: Key, found: BaseModel) -> None:
    write_json_atomically(entry, {"key": key, "model": found.model_dump(mode="json", by_alias=True)})
