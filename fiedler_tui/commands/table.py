"""Plain-text tables for command output (no colours, safe for pipes and logs)."""

from __future__ import annotations

from collections.abc import Sequence

from fiedler_tui.core.terminal_text import escape_controls


def table_cell(text: str) -> str:
    """``text`` as one cell: controls, newlines and tabs shown as escapes, so the cell keeps
    to one line and its width is the width printed."""
    return escape_controls(text).replace("\n", "\\n").replace("\t", "\\t")


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right_align: set[int] | None = None
) -> str:
    """Columns padded to their widest cell; ``right_align`` holds column indexes."""
    right = right_align or set()
    cells = [[table_cell(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)
