"""Judges by name: `offline`, `llm` and `auto` are built in; any installed package can add
one through the `mlsd.judges` entry-point group (the pattern of simonw/llm's and httpie's
plugins), e.g. in its pyproject.toml:

    [project.entry-points."mlsd.judges"]
    my-judge = "my_package.judge:make_judge"

where `make_judge(notices)` returns an object with the `Judge` protocol (`scoring.judge`).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

from mlsd_coach.errors import BadInputError

if TYPE_CHECKING:  # the judges' types bring pydantic, which `mlsd --help` must not import
    from mlsd_coach.scoring.judge import Judge, JudgeFactory, Notices

GROUP = "mlsd.judges"
BUILT_IN = {
    "auto": "mlsd_coach.scoring.llm:make_auto_judge",
    "offline": "mlsd_coach.scoring.offline:make_judge",
    "llm": "mlsd_coach.scoring.llm:make_judge",
}
_registered: dict[str, JudgeFactory] = {}


def register(name: str, factory: JudgeFactory) -> None:
    """Add a judge in process (a test, or a program embedding mlsd)."""
    _registered[name] = factory


def unregister(name: str) -> None:
    _registered.pop(name, None)


def judge_names() -> list[str]:
    """Every judge that `--scorer` accepts: the built-ins first, then plugins."""
    others = sorted((set(_plugins()) | set(_registered)) - set(BUILT_IN))
    return [*BUILT_IN, *others]


def make_judge(name: str, notices: Notices | None = None) -> Judge:
    name = name.strip().lower()
    factory = _registered.get(name) or _built_in(name) or _plugin(name)
    if factory is None:
        raise BadInputError(f"unknown scorer '{name}'; use one of: {', '.join(judge_names())}")
    return factory(notices if notices is not None else _ignore)


def _ignore(notice: str) -> None:
    """Where notices go when the caller has nowhere to show them."""


def _built_in(name: str) -> JudgeFactory | None:
    target = BUILT_IN.get(name)
    if target is None:
        return None
    module, attribute = target.split(":")
    factory: JudgeFactory = getattr(import_module(module), attribute)
    return factory


def _plugin(name: str) -> JudgeFactory | None:
    entry = _plugins().get(name)
    if entry is None:
        return None
    try:
        factory: JudgeFactory = entry.load()
    except Exception as err:  # a broken plugin is the user's environment, not our bug
        raise BadInputError(
            f"the judge '{name}' from the package providing {entry.value} cannot be loaded "
            f"({type(err).__name__}: {err}); reinstall or remove that package"
        ) from None
    return factory


@cache
def _plugins() -> dict[str, EntryPoint]:
    return {entry.name: entry for entry in entry_points(group=GROUP)}
