"""LLM settings from the environment and the config file, environment first.

Keys (the same names in both places): OPENAI_API_KEY, OPENAI_BASE_URL or MLSD_LLM_BASE_URL,
MLSD_LLM_MODEL, MLSD_LLM_TIMEOUT (seconds, default 60). The config file is TOML at
`paths.config_path()`. Settings are validated here, when they load, so a bad one is a
one-line error naming the setting and where it came from (exit 2), never a failure later.
The API key is only ever held in memory: it is never written to history, reports or messages.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mlsd_coach.errors import BadInputError
from mlsd_coach.paths import config_path

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0  # larger values overflow socket timeouts, and nobody waits an hour per step
KEYS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MLSD_LLM_BASE_URL", "MLSD_LLM_MODEL", "MLSD_LLM_TIMEOUT")
LOCAL_SERVER_KEY = "not-needed"  # OpenAI-compatible local servers ignore the key, the SDK wants one
URL_EXAMPLE = "http://127.0.0.1:11434/v1"
REDACTED = "****"

# Secrets a server may echo in an error body, whether or not they are the configured key.
_BEARER_TOKEN = re.compile(r"(?i)\bbearer\s+[^\s\"',;)}\]]+")
_SK_TOKEN = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")
_URL_USERINFO = re.compile(r"(?<=://)[^/\s@]+@")

__all__ = ["LlmSettings", "config_path", "load_settings", "mask", "redact"]


@dataclass(frozen=True)
class LlmSettings:
    api_key: str | None
    base_url: str | None
    model: str
    timeout: float
    sources: dict[str, str]

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.base_url)

    @property
    def masked_key(self) -> str:
        return mask(self.api_key)


def load_settings() -> LlmSettings:
    values, sources = _effective_values()
    url_key = "MLSD_LLM_BASE_URL" if "MLSD_LLM_BASE_URL" in values else "OPENAI_BASE_URL"
    base_url = values.get(url_key)
    if base_url is not None:
        _check_url(url_key, base_url, sources[url_key])
    return LlmSettings(
        api_key=values.get("OPENAI_API_KEY"),
        base_url=base_url,
        model=values.get("MLSD_LLM_MODEL", DEFAULT_MODEL),
        timeout=_timeout(values.get("MLSD_LLM_TIMEOUT"), sources.get("MLSD_LLM_TIMEOUT", "")),
        sources=sources,
    )


def mask(secret: str | None) -> str:
    if not secret:
        return "(not set)"
    return f"{secret[:3]}…{secret[-4:]}" if len(secret) > 12 else REDACTED


def redact(text: str, settings: LlmSettings) -> str:
    """`text` without the API key, any `Bearer …` or `sk-…` token, or a password in a URL.

    Redact before cutting a message short: a cut through the key leaves a prefix that no
    longer matches it."""
    if settings.api_key and len(settings.api_key) >= 4:
        text = text.replace(settings.api_key, REDACTED)
    text = _BEARER_TOKEN.sub(f"Bearer {REDACTED}", text)
    text = _SK_TOKEN.sub(f"sk-{REDACTED}", text)
    return _URL_USERINFO.sub(f"{REDACTED}@", text)


def _effective_values() -> tuple[dict[str, str], dict[str, str]]:
    file_values = _read_config(config_path())
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key in KEYS:
        from_env = os.environ.get(key, "").strip()
        if from_env:
            values[key], sources[key] = from_env, "environment"
        elif file_values.get(key, "").strip():
            values[key], sources[key] = file_values[key].strip(), "config file"
    return values, sources


def _check_url(key: str, url: str, source: str) -> None:
    problem = f"{key} {url!r} (from the {source}) is not an http(s) URL; e.g. {URL_EXAMPLE}"
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        raise BadInputError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or _has_blank_or_control(url):
        raise BadInputError(problem)


def _has_blank_or_control(text: str) -> bool:
    return any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in text)


def _timeout(raw: str | None, source: str) -> float:
    if raw is None:
        return DEFAULT_TIMEOUT
    try:
        timeout = float(raw)
    except ValueError:
        timeout = math.nan
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise BadInputError(
            f"MLSD_LLM_TIMEOUT {raw!r} (from the {source}) must be a number of seconds "
            f"above 0 and at most {MAX_TIMEOUT:g}"
        )
    return timeout


def _read_config(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        raise BadInputError(f"{path}: cannot read the config file: {err}") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BadInputError(f"{path}: not valid TOML ({err}); fix or delete it") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise BadInputError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(KEYS)}")
    return {key: str(value) for key, value in data.items()}
