"""Validate a YAML document against a content model, turning pydantic errors into
`path:line: field: problem` lines that point at the offending key."""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlsd_coach.content.models import CaseStudy, LocatedError
from mlsd_coach.content.problems import (
    MAX_PROBLEMS_PER_FILE,
    ContentError,
    ContentProblem,
    capped,
    field_path,
)
from mlsd_coach.content.yaml_source import Location, YamlDocument, read_yaml

M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M]) -> M:
    return validate_document(read_yaml(path), model)


def validate_document(document: YamlDocument, model: type[M]) -> M:
    try:
        return model.model_validate(document.data)
    except ValidationError as err:
        raise ContentError(_problems(document, model, err)) from None


def load_case(path: Path) -> CaseStudy:
    return load_model(path, CaseStudy)


def _problems(document: YamlDocument, model: type[BaseModel], err: ValidationError) -> list[ContentProblem]:
    # Only the errors that can be shown are explained (a key suggestion costs a difflib search).
    errors = err.errors(include_url=False)[:MAX_PROBLEMS_PER_FILE]
    misspelt = {
        (tuple(e["loc"][:-1]), suggestion)
        for e in errors
        if e["type"] == "extra_forbidden" and (suggestion := _suggestion(model, tuple(e["loc"]))) is not None
    }
    problems = []
    for error in errors:
        location: Location = tuple(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, LocatedError):
            location += cause.location
        if error["type"] == "extra_forbidden":
            message = _unknown_key_message(model, location)
        elif error["type"] == "missing":
            if (location[:-1], location[-1]) in misspelt:
                continue  # reported once, as the misspelt key
            message = "required key is missing"
        problems.append(
            ContentProblem(document.path, document.line_of(location), field_path(location) or None, message)
        )
    return capped(document.path, problems, max(len(problems), err.error_count()))


def _suggestion(model: type[BaseModel], location: Location) -> str | None:
    close = difflib.get_close_matches(str(location[-1]), _allowed_keys(model, location[:-1]), n=1)
    return close[0] if close else None


def _unknown_key_message(model: type[BaseModel], location: Location) -> str:
    allowed = _allowed_keys(model, location[:-1])
    if not allowed:
        return "unknown key"
    suggestion = _suggestion(model, location)
    hint = f"did you mean '{suggestion}'?" if suggestion else f"allowed keys: {', '.join(sorted(allowed))}"
    return f"unknown key; {hint}"


def _allowed_keys(model: type[BaseModel], location: Location) -> list[str]:
    """The keys the model accepts at `location`, found by walking the model's field types."""
    current: Any = model
    for part in location:
        current = _element_type(current) if isinstance(part, int) else _field_type(current, str(part))
        if current is None:
            return []
    current = _element_type(current) if typing.get_origin(current) in (list, dict) else current
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [field.alias or name for name, field in current.model_fields.items()]
    return []


def _field_type(model: Any, key: str) -> Any:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return _strip_optional(field.annotation)
    return None


def _element_type(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    return _strip_optional(args[-1]) if args else None


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation
