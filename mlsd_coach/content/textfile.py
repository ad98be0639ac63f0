"""Read a user-supplied text file (an answer or a content file) safely.

Only regular files are read, and never more than the size limit plus one byte, so a device
(`/dev/zero`), a pipe (`<(yes)`), a FIFO or a directory is refused in one line instead of
filling memory or blocking forever. Every OS error becomes one line that names the cause.
"""

from __future__ import annotations

import codecs
import errno
import os
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

_NOT_REGULAR = "not a regular file; save the text to a file and pass that"
_ERRNO_REASONS = {
    errno.ENOENT: "no such file",
    errno.ENOTDIR: "a part of the path is a file, not a directory",
    errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
    errno.ENAMETOOLONG: "file name too long",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}
# Wide encodings by byte-order mark; the 32-bit marks first, as UTF-32LE's starts with UTF-16LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_SAMPLE_BYTES = 4096


class UnreadableFile(Exception):
    """Why a file cannot be used; `line` when the problem is on one line of it."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class TextRules:
    """What a kind of file may be, and how to say that it is not."""

    limit: int
    directory: str  # the reason given for a directory
    too_large: str  # with `{size}`, e.g. "1,234,567" or "more than 1,000,000"
    not_utf8: str
    binary: str | None = None  # the reason for a NUL byte; None lets the decoder decide


def read_text_file(path: Path, rules: TextRules) -> str:
    """The UTF-8 text of `path` (a leading BOM dropped), or UnreadableFile saying why not."""
    raw = read_bytes(path, rules)
    wide = wide_encoding(raw)
    if wide is not None:
        raise UnreadableFile(_wide_message(path, *wide))
    if rules.binary is not None and b"\x00" in raw:
        raise UnreadableFile(rules.binary)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableFile(rules.not_utf8, raw[: err.start].count(b"\n") + 1) from None


def read_bytes(path: Path, rules: TextRules) -> bytes:
    """At most `rules.limit` bytes of a regular file."""
    try:
        _require_regular(os.stat(path).st_mode, rules)
        # O_NONBLOCK: should the path become a FIFO after the stat, opening it cannot block.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with open(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            _require_regular(status.st_mode, rules)
            raw = handle.read(rules.limit + 1)
    except OSError as err:
        raise UnreadableFile(os_error_reason(err, rules.directory)) from None
    if len(raw) > rules.limit:
        # st_size can be 0 (files in /proc) or stale (a growing file): then say "more than".
        size = status.st_size
        shown = f"{size:,}" if size > rules.limit else f"more than {rules.limit:,}"
        raise UnreadableFile(rules.too_large.format(size=shown))
    return raw


def os_error_reason(err: OSError, directory: str = "is a directory") -> str:
    """One line for an OS error on a path, without repeating the path."""
    if err.errno == errno.EISDIR:
        return directory
    return _ERRNO_REASONS.get(err.errno or 0) or f"cannot read: {err.strerror or err}"


def _require_regular(mode: int, rules: TextRules) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise UnreadableFile(rules.directory)
    if stat.S_ISFIFO(mode):
        raise UnreadableFile(f"is a pipe or FIFO, {_NOT_REGULAR}")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise UnreadableFile(f"is a device, {_NOT_REGULAR}")
    if stat.S_ISSOCK(mode):
        raise UnreadableFile(f"is a socket, {_NOT_REGULAR}")
    raise UnreadableFile(f"is {_NOT_REGULAR}")


def wide_encoding(raw: bytes) -> tuple[str, str] | None:
    """(iconv name, display name) when `raw` is UTF-16 or UTF-32 text, by BOM or by the
    pattern of NUL bytes that ASCII text has in those encodings."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            return (name, name) if _decodes(raw, codec) else None
    sample = raw[:_SAMPLE_BYTES]
    for codec, iconv_name, name in _bomless_candidates(sample):
        if _decodes(raw, codec):
            return iconv_name, name
    return None


def _bomless_candidates(sample: bytes) -> list[tuple[str, str, str]]:
    if len(sample) < 4:
        return []
    if _mostly_nul(sample[0::2]) and _mostly_nul(sample[1::2]):
        return []  # NUL-filled: binary, not text
    candidates = []
    if _mostly_nul(sample[1::4] + sample[2::4] + sample[3::4]) and _rarely_nul(sample[0::4]):
        candidates.append(("utf-32-le", "UTF-32LE", "UTF-32"))
    if _mostly_nul(sample[0::4] + sample[1::4] + sample[2::4]) and _rarely_nul(sample[3::4]):
        candidates.append(("utf-32-be", "UTF-32BE", "UTF-32"))
    if _mostly_nul(sample[1::2]) and _rarely_nul(sample[0::2]):
        candidates.append(("utf-16-le", "UTF-16LE", "UTF-16"))
    if _mostly_nul(sample[0::2]) and _rarely_nul(sample[1::2]):
        candidates.append(("utf-16-be", "UTF-16BE", "UTF-16"))
    return candidates


def _mostly_nul(data: bytes) -> bool:
    return bool(data) and data.count(0) >= 0.8 * len(data)


def _rarely_nul(data: bytes) -> bool:
    return data.count(0) <= 0.1 * len(data)


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _wide_message(path: Path, iconv_name: str, display_name: str) -> str:
    converted = path.with_name(f"{path.stem}-utf8{path.suffix}")
    command = f"iconv -f {iconv_name} -t UTF-8 {shlex.quote(str(path))} > {shlex.quote(str(converted))}"
    return f"is {display_name} text; mlsd reads UTF-8: convert it with `{command}`"
