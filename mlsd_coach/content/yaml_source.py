"""Read a YAML content file as plain data, remembering the line of every key and value.

Only the safe constructors are used, so a `!!python/...` tag is an error, never an object.
Duplicate keys, which PyYAML silently accepts (the last one wins), are reported as problems.
Content files hold plain data: aliases and deep nesting are refused before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlsd_coach.content.problems import ContentError, ContentProblem, capped, field_path
from mlsd_coach.content.textfile import TextRules, UnreadableFile, read_text_file

MAX_CONTENT_BYTES = 1_000_000
MAX_NESTING = 50  # the built-in content nests at most 8 levels deep
_RULES = TextRules(
    limit=MAX_CONTENT_BYTES,
    directory="is a directory, expected a .yaml file",
    too_large="file is {size} bytes; content files are capped at 1 MB",
    not_utf8="not UTF-8 text; save the file as UTF-8",
)

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    lines: dict[Location, int]

    def line_of(self, location: Location) -> int | None:
        """The line of `location`, or of its nearest ancestor that has one."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return None


def read_yaml(path: Path) -> YamlDocument:
    text = _read_text(path)
    try:
        _check_structure(text, path)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise ContentError([ContentProblem(path, None, None, "the file is empty")])
            problems: list[ContentProblem] = []
            lines: dict[Location, int] = {}
            _index(node, (), lines, problems, path)
            if problems:
                raise ContentError(capped(path, problems))
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        raise ContentError([_yaml_problem(path, err)]) from None
    except yaml.reader.ReaderError as err:
        raise ContentError([_reader_problem(path, text, err)]) from None
    except yaml.YAMLError as err:
        raise ContentError([ContentProblem(path, None, None, f"not valid YAML: {err}")]) from None
    if not isinstance(data, dict):
        raise ContentError([ContentProblem(path, 1, None, "expected a mapping of keys at the top level")])
    return YamlDocument(path, data, lines)


def _check_structure(text: str, path: Path) -> None:
    """Refuse aliases and deep nesting from the event stream, before any node is built: an
    alias can expand exponentially ("billion laughs") or refer to itself, and deep nesting
    exhausts the stack of the composer and of everything that walks the document after it."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            message = f"aliases (*{event.anchor}) are not allowed in content files; write the value out"
            raise ContentError([ContentProblem(path, _line(event), None, message)])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                message = f"nested more than {MAX_NESTING} levels deep; content files are shallower"
                raise ContentError([ContentProblem(path, _line(event), None, message)])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _line(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


def _read_text(path: Path) -> str:
    try:
        return read_text_file(path, _RULES)
    except UnreadableFile as err:
        raise ContentError([ContentProblem(path, err.line, None, err.reason)]) from None


def _reader_problem(path: Path, text: str, err: yaml.reader.ReaderError) -> ContentProblem:
    """A character YAML does not allow (a control character), on one line."""
    line = text[: err.position].count("\n") + 1
    return ContentProblem(
        path, line, None, f"character U+{err.character:04X} is not allowed in YAML; remove it"
    )


def _yaml_problem(path: Path, err: yaml.MarkedYAMLError) -> ContentProblem:
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = err.problem or str(err)
    if "could not determine a constructor" in problem:
        tag = problem.split("tag", 1)[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
        problem = f"tag {tag} is not allowed: content files hold plain data only"
    context = err.context_mark
    if err.context and context is not None and line is not None and context.line + 1 != line:
        problem += f" ({err.context} that starts on line {context.line + 1})"
    return ContentProblem(path, line, None, f"YAML syntax: {problem}")


def _index(
    node: yaml.Node,
    location: Location,
    lines: dict[Location, int],
    problems: list[ContentProblem],
    path: Path,
) -> None:
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in seen:
                problems.append(
                    ContentProblem(
                        path, key_node.start_mark.line + 1, field_path(location + (key,)), "key appears twice"
                    )
                )
            seen.add(key)
            lines[location + (key,)] = key_node.start_mark.line + 1
            _index(value_node, location + (key,), lines, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for position, child in enumerate(node.value):
            _index(child, location + (position,), lines, problems, path)
