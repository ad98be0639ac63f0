"""Where mlsd finds its built-in content and keeps its state.

`home()` is the one directory for all state (the history database, config, caches);
`MLSD_HOME` moves it, which is also how every test gets a private one.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def content_root() -> Path:
    """The folder that holds `case_studies/`, `rubrics/` and `templates/`.

    A wheel carries them inside the package (`mlsd_coach/_content`); a checkout or an
    editable install has them beside the package.
    """
    bundled = PACKAGE_DIR / "_content"
    if (bundled / "rubrics").is_dir():
        return bundled
    return PACKAGE_DIR.parent


def builtin_cases_dir() -> Path:
    return content_root() / "case_studies"


def rubrics_dir() -> Path:
    return content_root() / "rubrics"


def templates_dir() -> Path:
    return content_root() / "templates"


def home() -> Path:
    override = os.environ.get("MLSD_HOME")
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("mlsd", appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        from mlsd_coach.errors import BadInputError

        raise BadInputError(
            f"cannot use {path} for mlsd's data ({err.strerror}); set MLSD_HOME to a writable directory"
        ) from None
    return path


def db_path() -> Path:
    """The history database."""
    return home() / "history.sqlite3"


def cache_dir() -> Path:
    return home() / "cache"


def drafts_dir() -> Path:
    """Where text a user typed is kept when it could not be submitted (Ctrl-C, a full disk,
    an editor that failed), so that nothing typed is ever lost."""
    return home() / "drafts"


def config_path() -> Path:
    """`config.toml`: in MLSD_HOME when that is set, else the platform's user config directory."""
    override = os.environ.get("MLSD_HOME")
    if override:
        return Path(override).expanduser() / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("mlsd", appauthor=False)) / "config.toml"


def user_cases_dirs_from_env() -> list[Path]:
    raw = os.environ.get("MLSD_CASES_DIR", "")
    return [Path(part).expanduser() for part in raw.split(os.pathsep) if part.strip()]
