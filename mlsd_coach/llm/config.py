"""LLM settings from the environment and the config file, environment first.

Keys (the same names in both places): OPENAI_API_KEY, OPENAI_BASE_URL or MLSD_LLM_BASE_URL,
MLSD_LLM_MODEL, MLSD_LLM_TIMEOUT (seconds, default 60). The config file is TOML at
`config.toml` in the user config directory (or in MLSD_HOME when that is set). The API key
is only ever held in memory: it is never written to history, reports or messages.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mlsd_coach.errors import BadInputError

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 60.0
KEYS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MLSD_LLM_BASE_URL", "MLSD_LLM_MODEL", "MLSD_LLM_TIMEOUT")
LOCAL_SERVER_KEY = "not-needed"  # OpenAI-compatible local servers ignore the key, the SDK wants one


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


def config_path() -> Path:
    home = os.environ.get("MLSD_HOME")
    if home:
        return Path(home).expanduser() / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("mlsd", appauthor=False)) / "config.toml"


def load_settings() -> LlmSettings:
    file_values = _read_config(config_path())
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key in KEYS:
        if os.environ.get(key):
            values[key], sources[key] = os.environ[key], "environment"
        elif file_values.get(key):
            values[key], sources[key] = file_values[key], "config file"
    base_url = values.get("MLSD_LLM_BASE_URL") or values.get("OPENAI_BASE_URL")
    raw_timeout = values.get("MLSD_LLM_TIMEOUT", str(DEFAULT_TIMEOUT))
    try:
        timeout = float(raw_timeout)
        if timeout <= 0:
            raise ValueError
    except ValueError:
        raise BadInputError(
            f"MLSD_LLM_TIMEOUT must be a positive number of seconds (got '{raw_timeout}')"
        ) from None
    return LlmSettings(
        api_key=values.get("OPENAI_API_KEY"),
        base_url=base_url,
        model=values.get("MLSD_LLM_MODEL", DEFAULT_MODEL),
        timeout=timeout,
        sources=sources,
    )


def mask(secret: str | None) -> str:
    if not secret:
        return "(not set)"
    return f"{secret[:3]}…{secret[-4:]}" if len(secret) > 12 else "****"


def redact(text: str, settings: LlmSettings) -> str:
    """`text` with the API key removed, for any message that might echo a request."""
    if settings.api_key and len(settings.api_key) >= 4:
        text = text.replace(settings.api_key, "****")
    return text


def _read_config(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        raise BadInputError(f"{path}: cannot read the config file: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise BadInputError(f"{path}: not valid TOML ({err}); fix or delete it") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise BadInputError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(KEYS)}")
    return {key: str(value) for key, value in data.items()}
