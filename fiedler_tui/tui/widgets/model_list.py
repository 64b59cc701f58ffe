"""The model list of Compose: a SelectionList whose marks read without colour.

Textual draws the same ``▐X▌`` for a chosen and an unchosen model, told apart by colour alone;
here a chosen model shows ``[x]`` and the others ``[ ]``, as the file tree does.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

CHOSEN = "x"
NOT_CHOSEN = " "


class ModelList(SelectionList[str]):
    """Models to send to; ``[x]`` marks each chosen one."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        if len(segments) < 4:
            return line
        _left, button, _right, gap = segments[:4]
        chosen = option.value in self.selected
        marks = [
            Segment("[", gap.style),
            Segment(CHOSEN if chosen else NOT_CHOSEN, button.style),
            Segment("]", gap.style),
        ]
        return Strip([*marks, *segments[3:]], line.cell_length)
