"""Read and write SCHEMA.md section 4 JSONL: one paragraph (Unit) per line.

Every line is checked against the contract before anything downstream sees it, so a broken
annotation or prediction fails at its file:line instead of surfacing later as a wrong score
or a dangling graph edge.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, overload

from kg.files import write_atomic
from kg.records import Unit
from kg.schema import COMPARATORS, GOAL, GOAL_STATUSES, MENTION_LABELS, RELATION_TYPES


class JsonlError(ValueError):
    """A file, or one line of it, that breaks the SCHEMA section 4 contract.

    `str()` reads "path:line: message" (just "path: message" when the whole file is unreadable).
    """

    def __init__(self, path: str | os.PathLike, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {message}")


class _LineError(ValueError):
    """A contract violation inside one line; the reader adds the file and line number."""


def _get(obj: dict, key: str, kind: str, where: str = "", *, null: bool = False) -> Any:
    """obj[key], which must be present and of `kind` ("integer", "number", "string", "list")."""
    if key not in obj:
        raise _LineError(f"{where}missing key {key!r}")
    value = obj[key]
    if value is None and null:
        return None
    ok = {
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "list": isinstance(value, list),
    }[kind]
    if not ok:
        raise _LineError(f"{where}{key!r} must be {'an' if kind == 'integer' else 'a'} {kind}"
                         f"{' or null' if null else ''}, got {value!r}")
    return value


def _layer(obj: dict, key: str) -> list[dict]:
    """An annotation layer; absent means empty (unlabelled lines, tools that omit empty layers)."""
    items = _get(obj, key, "list") if key in obj else []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise _LineError(f"{key}[{i}] must be an object, got {item!r}")
    return items


def _span(item: dict, where: str, text: str) -> None:
    start, end = _get(item, "start", "integer", where), _get(item, "end", "integer", where)
    if not 0 <= start < end <= len(text):
        raise _LineError(f"{where}span [{start}, {end}) is not 0 <= start < end <= {len(text)} (text length)")


def _confidence(item: dict, where: str) -> None:
    if "confidence" in item and not 0 <= _get(item, "confidence", "number", where) <= 1:
        raise _LineError(f"{where}confidence {item['confidence']!r} is outside [0, 1]")


def _one_of(value: Any, allowed: Iterable[str], what: str, where: str) -> None:
    if value not in allowed:
        raise _LineError(f"{where}{what} {value!r} is not one of {', '.join(allowed)}")


def _input_unit(obj: Any) -> Unit:
    """An unlabelled unit {"doc", "para", "text"}; annotation layers, if any, are ignored."""
    if not isinstance(obj, dict):
        raise _LineError(f"a line must be a JSON object, got {type(obj).__name__}")
    doc, para, text = _get(obj, "doc", "string"), _get(obj, "para", "integer"), _get(obj, "text", "string")
    if para < 0:
        raise _LineError(f"'para' must be >= 0, got {para}")
    return Unit(doc=doc, para=para, text=text)


def _unit(obj: Any) -> Unit:
    """A labelled unit, checked against SCHEMA sections 1-4 (labels, offsets, ids, relation types)."""
    text = _input_unit(obj).text
    kinds: dict[int, str] = {}  # id -> entity label, or "GOAL"
    owners: dict[int, str] = {}  # id -> "entities[i]" / "goals[i]", for the duplicate-id message

    def claim(item: dict, where: str, kind: str) -> None:
        id_ = _get(item, "id", "integer", where)
        if id_ in kinds:
            raise _LineError(f"{where}id {id_} is already the id of {owners[id_]} "
                             "(ids are unique across the entities and goals of a line)")
        kinds[id_], owners[id_] = kind, where.rstrip(": ")

    spans = []
    for i, ent in enumerate(_layer(obj, "entities")):
        where = f"entities[{i}]: "
        _span(ent, where, text)
        _one_of(_get(ent, "label", "string", where), MENTION_LABELS, "label", where)
        _confidence(ent, where)
        claim(ent, where, ent["label"])
        spans.append((ent["start"], ent["end"], i))
    spans.sort()
    for (_, end, i), (start, _, j) in zip(spans, spans[1:]):
        if start < end:
            raise _LineError(f"entities[{i}] and entities[{j}] overlap (SCHEMA section 1: entity spans never overlap)")

    for i, goal in enumerate(_layer(obj, "goals")):
        where = f"goals[{i}]: "
        _span(goal, where, text)
        _get(goal, "metric", "string", where, null=True)
        comparator = _get(goal, "comparator", "string", where)
        _one_of(comparator, COMPARATORS, "comparator", where)
        value = _get(goal, "value", "number", where, null=True)
        if comparator == "none" and value is not None:  # a numeric comparator may hide its number (XX万元)
            raise _LineError(f"{where}comparator 'none' with value {value!r}: a non-numeric goal has no value")
        _get(goal, "unit", "string", where, null=True)
        _get(goal, "year", "integer", where, null=True)
        _one_of(_get(goal, "status", "string", where), GOAL_STATUSES, "status", where)
        _confidence(goal, where)
        claim(goal, where, GOAL)

    for i, rel in enumerate(_layer(obj, "relations")):
        label = _get(rel, "label", "string", f"relations[{i}]: ")
        where = f"relations[{i}] ({label}): "
        _one_of(label, RELATION_TYPES, "label", where)
        for end, legal in zip(("head", "tail"), RELATION_TYPES[label]):
            id_ = _get(rel, end, "integer", where)
            if id_ not in kinds:
                raise _LineError(f"{where}{end} {id_} is not the id of an entity or goal of this line")
            if kinds[id_] not in legal:
                raise _LineError(f"{where}{end} {id_} is {kinds[id_]}, must be {' or '.join(sorted(legal))}")
        _confidence(rel, where)
        sentence = rel.get("sentence")
        if sentence is not None and not (
                isinstance(sentence, list) and len(sentence) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in sentence)
                and 0 <= sentence[0] < sentence[1] <= len(text)):
            raise _LineError(f"{where}sentence {sentence!r} is not [start, end] inside the text")
    return Unit.from_json(obj)


def _parsed(path: str | os.PathLike, parse: Callable[..., Unit], problems: list[JsonlError] | None
            ) -> Iterator[Unit]:
    """Every non-blank line parsed, one at a time; the first problem raises, or with a `problems` list is
    collected there and its line skipped."""
    seen: dict[tuple[str, int], int] = {}  # (doc, para) -> line number
    try:
        with open(path, "rb") as fh:  # bytes, so a bad encoding is one line's problem, not the file's
            for number, raw in enumerate(fh, 1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise _LineError(f"invalid JSON: {exc}") from None
                    unit = parse(obj)
                    key = (unit.doc, unit.para)
                    if key in seen:
                        raise _LineError(f"paragraph {unit.para} of {unit.doc!r} already appeared on line {seen[key]}")
                    seen[key] = number
                except (_LineError, UnicodeDecodeError) as exc:
                    error = JsonlError(path, number, str(exc) if isinstance(exc, _LineError)
                                       else f"not UTF-8 text: {exc}")
                    if problems is None:
                        raise error from None
                    problems.append(error)
                    continue
                yield unit
    except OSError as exc:
        raise JsonlError(path, None, f"cannot read: {exc.strerror or exc}") from None


def _read(path: str | os.PathLike, parse: Callable[..., Unit], strict: bool):
    """Parse every non-blank line; raise on the first problem, or collect problems and skip the lines."""
    problems: list[JsonlError] | None = None if strict else []
    units = list(_parsed(path, parse, problems))
    return units if strict else (units, problems)


class UnitFile:
    """The labelled units of a SCHEMA JSONL file, read line by line each time it is iterated (strict), so a pass
    over a large `extracted.jsonl` holds one unit at a time; kg.graph.build_graph iterates it twice."""

    def __init__(self, path: str | os.PathLike):
        self.path = path

    def __iter__(self) -> Iterator[Unit]:
        return _parsed(self.path, _unit, None)


@overload
def read_units(path: str | os.PathLike, *, strict: Literal[True] = ...) -> list[Unit]: ...
@overload
def read_units(path: str | os.PathLike, *, strict: Literal[False]) -> tuple[list[Unit], list[JsonlError]]: ...
def read_units(path, *, strict=True):
    """Labelled units (gold or predicted) from a SCHEMA section 4 file, in file order.

    strict=True raises JsonlError at the first broken line; strict=False skips broken lines and
    returns (units, problems) so one bad line in a large file does not lose the rest.
    """
    return _read(path, _unit, strict)


@overload
def read_input_units(path: str | os.PathLike, *, strict: Literal[True] = ...) -> list[Unit]: ...
@overload
def read_input_units(path: str | os.PathLike, *, strict: Literal[False]) -> tuple[list[Unit], list[JsonlError]]: ...
def read_input_units(path, *, strict=True):
    """Unlabelled units {"doc", "para", "text"} (extraction input); same error handling as read_units."""
    return _read(path, _input_unit, strict)


def unit_line(unit: Unit) -> str:
    """A unit as one JSONL line (with its line break)."""
    return json.dumps(unit.to_json(), ensure_ascii=False, allow_nan=False) + "\n"


def write_units(units: Iterable[Unit], path: str | os.PathLike) -> int:
    """Write one JSON line per unit, in order; returns the count.  An unserialisable unit leaves
    the old file (kg.files.write_atomic)."""
    return write_atomic(path, map(unit_line, units))
