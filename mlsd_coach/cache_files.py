"""What every cache of mlsd does alike: write a JSON file so that no reader ever sees half of
it, and fingerprint the source code whose change must invalidate a cache."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path


def write_json_atomically(path: Path, payload: object) -> bool:
    """Write `payload` as JSON to `path` through a temporary file and a rename; False if it
    could not be written (a cache that cannot be written only makes mlsd slower)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(temporary, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True


def source_digest(directory: Path, names: Iterable[str]) -> str:
    """A digest of the named source files in `directory` (an unreadable one counts as such)."""
    digest = hashlib.sha256()
    for name in names:
        try:
            digest.update((directory / name).read_bytes())
        except OSError:
            digest.update(f"{name} unreadable".encode())
    return digest.hexdigest()
