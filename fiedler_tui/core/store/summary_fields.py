"""Read a JSON mapping into a dataclass by its fields and their annotations.

One generic reader, so a field added to a record (with a default) is read back without
touching any reader: a key that is missing, or whose value has another type than the field's,
gives the field's default; keys the dataclass does not know are ignored. Only the structure is
strict: a value that should be an object (a nested dataclass) or a list of objects and is
something else raises :class:`SummaryShapeError` naming where it is.

Supported annotations: ``str``, ``int``, ``float`` (an int is accepted), ``bool``, ``None``,
``Any``, unions (``X | None``), ``list[X]``, ``tuple[X, ...]``, ``Sequence[X]``,
``dict[str, X]``, ``Mapping[str, X]``, ``Literal[...]``, enums, and nested dataclasses.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
_MISSING = object()


class SummaryShapeError(ValueError):
    """A value that must be an object or a list of objects is not; ``where`` says which."""

    def __init__(self, where: str, expected: str, value: object) -> None:
        self.where = where
        super().__init__(f"{where or 'the file'}: expected {expected}, found {_kind(value)}")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The field annotations of ``cls``, resolved once."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


def read_dataclass(cls: type[T], raw: object, where: str = "") -> T:
    """``cls`` built from ``raw`` (a mapping); see the module's docstring for the rules."""
    if not isinstance(raw, Mapping):
        raise SummaryShapeError(where, "an object", raw)
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in _fields(cls):
        hint = hints[f.name]
        value = _read(hint, raw.get(f.name, _MISSING), f"{where}.{f.name}".lstrip("."))
        if value is _MISSING:
            value = _default(f, hint)
        values[f.name] = value
    return cls(**values)


def _default(f: dataclasses.Field[Any], hint: Any) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return _zero(hint)


def _zero(hint: Any) -> Any:
    """The value a required field takes when the file lacks it."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        return None if type(None) in args else _zero(args[0])
    if hint in (str, int, float, bool):
        return hint()
    if origin in (list, Sequence):
        return []
    if origin is tuple:
        return ()
    if origin in (dict, Mapping):
        return {}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return read_dataclass(hint, {})
    return None


def _is_structure(hint: Any) -> bool:
    """Whether a value of this type must have it (an object, or a list of objects)."""
    if dataclasses.is_dataclass(hint):
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_is_structure(a) for a in typing.get_args(hint) if a is not type(None))
    if origin in (list, tuple, Sequence):
        return any(_is_structure(a) for a in typing.get_args(hint) if a is not Ellipsis)
    return False


def _read(hint: Any, value: Any, where: str) -> Any:
    """``value`` as ``hint``, or ``_MISSING`` when it is missing or does not fit a leaf type."""
    if value is _MISSING:
        return _MISSING
    if hint is Any or hint is object:
        return value
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None:
            return None if type(None) in args else _MISSING
        for arm in args:
            if arm is type(None):
                continue
            try:
                found = _read(arm, value, where)
            except SummaryShapeError:
                if len(args) == 2:
                    raise
                continue
            if found is not _MISSING:
                return found
        return _MISSING
    if origin is typing.Literal:
        return value if value in typing.get_args(hint) else _MISSING
    if origin in (list, tuple, Sequence):
        return _read_sequence(hint, origin, value, where)
    if origin in (dict, Mapping):
        return _read_mapping(hint, value, where)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return read_dataclass(hint, value, where)
    return _read_leaf(hint, value)


def _read_sequence(hint: Any, origin: Any, value: Any, where: str) -> Any:
    if not isinstance(value, list):
        if _is_structure(hint):
            raise SummaryShapeError(where, "a list", value)
        return _MISSING
    args = [a for a in typing.get_args(hint) if a is not Ellipsis] or [Any]
    item_hint = args[0]
    items = []
    for index, item in enumerate(value):
        found = _read(item_hint, item, f"{where}[{index}]")
        if found is not _MISSING:
            items.append(found)  # a leaf that does not fit is left out
    return tuple(items) if origin is tuple else items


def _read_mapping(hint: Any, value: Any, where: str) -> Any:
    if not isinstance(value, Mapping):
        return _MISSING
    args = typing.get_args(hint)
    item_hint = args[1] if len(args) == 2 else Any
    found: dict[str, Any] = {}
    for key, item in value.items():
        read = _read(item_hint, item, f"{where}.{key}")
        if isinstance(key, str) and read is not _MISSING:
            found[key] = read
    return found


def _read_leaf(hint: Any, value: Any) -> Any:
    if hint is bool:
        return value if isinstance(value, bool) else _MISSING
    if hint is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _MISSING
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return _MISSING
    if hint is str:
        return value if isinstance(value, str) else _MISSING
    if hint is type(None):
        return None if value is None else _MISSING
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            return _MISSING
    if isinstance(hint, type):
        return value if isinstance(value, hint) else _MISSING
    return value
