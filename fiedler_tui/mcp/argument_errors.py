"""Tool arguments the input schema rules out, told as a ``bad-argument`` refusal: each unknown
argument named with the tool's own (and the closest one, when one is close), each invalid one
with what its schema allows."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from fiedler_tui.core.mcp_tools import ToolRefusal


def _top_field(error: ErrorDetails) -> str:
    return str(error["loc"][0]) if error["loc"] else ""


def unknown_arguments(exc: ValidationError) -> list[str]:
    """The arguments the call gave that the tool does not take, in the order given."""
    return [_top_field(e) for e in exc.errors() if e["type"] == "extra_forbidden"]


def unknown_reason(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{name!r}: unknown argument{hint}"


def unknown_refusal(tool: str, unknown: Sequence[str], known: Sequence[str]) -> ToolRefusal:
    """``bad-argument`` naming the unknown arguments and the ones ``tool`` takes."""
    takes = ", ".join(known) if known else "no arguments"
    names = ", ".join(repr(name) for name in unknown)
    plural = "s" if len(unknown) > 1 else ""
    message = f"{tool} does not take the argument{plural} {names}; it takes: {takes}"
    return ToolRefusal("bad-argument", message, [unknown_reason(n, known) for n in unknown])


_KINDS = {
    "string": ("a string", "strings"),
    "integer": ("an integer", "integers"),
    "number": ("a number", "numbers"),
    "boolean": ("true or false", "booleans"),
    "array": ("a list", "lists"),
    "object": ("an object", "objects"),
}
_BOUNDS = {
    "exclusiveMinimum": "above {}",
    "minimum": "{} or more",
    "exclusiveMaximum": "below {}",
    "maximum": "at most {}",
    "minLength": "at least {} character(s) long",
    "minItems": "at least {} item(s)",
}
_SHOWN_CHARS = 40
"""A rejected value is shown back only when its argument takes choices or numbers, and short."""


def allowed(schema: Mapping[str, Any]) -> str:
    """What a property's JSON schema allows, in words: ``an integer above 0 and at most 1000``,
    ``one of "low", "high" (or left out)``."""
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        text = " or ".join(allowed(o) for o in options)
        return text + (" (or left out)" if len(options) < len(schema["anyOf"]) else "")
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    kind = str(schema.get("type", ""))
    text = _KINDS.get(kind, ("a value", "values"))[0]
    items = schema.get("items")
    if kind == "array" and isinstance(items, Mapping) and items.get("type") in _KINDS:
        text = f"a list of {_KINDS[str(items['type'])][1]}"
    values = schema.get("additionalProperties")
    if kind == "object" and isinstance(values, Mapping) and values.get("type") in _KINDS:
        text = f"an object of {_KINDS[str(values['type'])][1]}"
    bounds = [form.format(schema[key]) for key, form in _BOUNDS.items() if key in schema]
    return " ".join([text, " and ".join(bounds)]) if bounds else text


def _takes(schema: Mapping[str, Any], kinds: tuple[str, ...]) -> bool:
    """The argument takes fixed choices (``enum``) or a value of one of ``kinds``."""
    if "enum" in schema or schema.get("type") in kinds:
        return True
    return any(_takes(o, kinds) for o in schema.get("anyOf", ()))


def _given(value: Any, schema: Mapping[str, Any]) -> str:
    """The value a call gave, shown back only where it cannot be a key or a prompt: a short
    string for an argument of fixed choices, a number for one of choices or numbers;
    otherwise its kind."""
    shown = json.dumps(value)
    kinds: tuple[str, ...] = () if isinstance(value, str) else ("integer", "number", "boolean")
    if value is None or (_takes(schema, kinds) and len(shown) <= _SHOWN_CHARS):
        return shown
    if isinstance(value, str):
        return "an empty string" if not value else f"a string of {len(value)} characters"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def invalid_reasons(
    exc: ValidationError, arguments: Mapping[str, Any], properties: Mapping[str, Any]
) -> list[str]:
    """One reason per argument the schema rules out (unknown ones aside): its name, what it
    allows, and what was given."""
    details: dict[str, list[ErrorDetails]] = {}
    for error in exc.errors():
        if error["type"] != "extra_forbidden":
            details.setdefault(_top_field(error), []).append(error)
    reasons = []
    for name, errors in details.items():
        schema = properties.get(name, {})
        if any(e["type"] == "missing" for e in errors):
            reasons.append(f"{name}: required: {allowed(schema)}")
            continue
        reason = f"{name}: must be {allowed(schema)}"
        nested = [e for e in errors if len(e["loc"]) > 1]
        if nested:
            where = ".".join(str(part) for part in nested[0]["loc"][1:])
            reason += f" ({where}: {nested[0]['msg'][:1].lower()}{nested[0]['msg'][1:]})"
        else:
            reason += f", not {_given(arguments.get(name), schema)}"
        reasons.append(reason)
    return reasons


def argument_refusal(
    tool: str,
    exc: ValidationError,
    arguments: Mapping[str, Any],
    schema: Mapping[str, Any],
) -> ToolRefusal:
    """``bad-argument`` for every argument of the call the tool's input schema rules out."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    known = list(properties)
    unknown = unknown_arguments(exc)
    invalid = invalid_reasons(exc, arguments, properties)
    if unknown:
        refusal = unknown_refusal(tool, unknown, known)
        refusal.reasons.extend(invalid)
        return refusal
    fields = ", ".join(reason.split(":", 1)[0] for reason in invalid)
    return ToolRefusal("bad-argument", f"{tool}: invalid arguments: {fields}", invalid)
