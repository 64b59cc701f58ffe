"""At 80x24 every screen stays usable: measured on the laid-out widgets (the snapshots in
test_snapshots_small.py show the same screens)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.tui.widgets.budget_table import BudgetTable
from fiedler_tui.tui.widgets.file_picker import FilePicker

from .test_compose import compose_screen, make_app, settle
from .test_snapshots_small import FIVE_MODELS, small_project

SMALL = (80, 24)


def footer_keys(app: object) -> dict[str, tuple[int, int]]:
    """Footer key -> (left, right) column of its label as laid out."""
    footer = app.screen.query_one(Footer)  # type: ignore[attr-defined]
    keys = [w for w in footer.walk_children() if isinstance(getattr(w, "key", None), str)]
    return {w.key: (w.region.x, w.region.right) for w in keys if w.region.width}


async def test_compose_keeps_six_tree_rows_and_the_budget_status_and_cost(tmp_path: Path) -> None:
    app = make_app(small_project(tmp_path), config=parse_config(FIVE_MODELS, "test"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        assert screen.query_one(FilePicker).content_region.height >= 6
        table = screen.query_one(BudgetTable)
        needed = sum(
            c.get_render_width(table) for c in table.ordered_columns[:3]
        )  # model, status, cost
        assert [c.label.plain for c in table.ordered_columns[:3]] == ["model", "status", "cost≤"]
        assert needed <= table.content_region.width
        keys = footer_keys(app)
        assert {"ctrl+s", "f1", "f2"} <= set(keys)
        assert all(right <= SMALL[0] for _, right in keys.values())
