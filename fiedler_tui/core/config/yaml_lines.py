"""Load YAML into plain Python values while remembering the line of every key.

PyYAML's ``safe_load`` forgets where things came from and silently keeps the last of two equal
keys. Validation errors must say ``file:line: field``, so this composes the node tree itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class LocatedYaml:
    """The loaded document plus a map from a value's path to its 1-based line number."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int, int]] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path`` or of its nearest ancestor that exists in the document."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


class YamlSyntaxError(Exception):
    """The file is not valid YAML; ``line`` is 1-based."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def load_located(text: str) -> LocatedYaml:
    """Parse ``text`` (one YAML document) into values and a line map."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlSyntaxError(line, exc.problem or str(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    result = LocatedYaml(data=None)
    if node is None:
        return result
    result.lines[()] = node.start_mark.line + 1
    result.data = _convert(node, (), result, set())
    return result


def _convert(node: yaml.Node, path: Path_, out: LocatedYaml, open_nodes: set[int]) -> Any:
    """Plain values of ``node``; ``open_nodes`` guards against an alias that contains itself."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in open_nodes:
            raise YamlSyntaxError(node.start_mark.line + 1, "an alias refers to itself")
        open_nodes = open_nodes | {id(node)}
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            key_line = key_node.start_mark.line + 1
            child: Path_ = (*path, str(key))
            if key in first_line:
                out.duplicates.append((child, first_line[key], key_line))
                continue
            first_line[key] = key_line
            out.lines[child] = key_line
            mapping[key] = _convert(value_node, child, out, open_nodes)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.lines[child] = item.start_mark.line + 1
            items.append(_convert(item, child, out, open_nodes))
        return items
    return _scalar(node)


_CONSTRUCTOR = yaml.SafeLoader("")


def _scalar(node: yaml.Node) -> Any:
    """Construct a scalar with the safe loader's tag rules (ints, floats, bools, nulls, strings)."""
    if not isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return _CONSTRUCTOR.construct_object(node, deep=True)
