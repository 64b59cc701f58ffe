"""Run reports: Markdown (summary table, then each answer) and one self-contained HTML page whose
answers cannot inject markup or scripts; written owner-only; ``fiedler runs export`` end to end."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fiedler_tui.core.export.write import ExportError, export_run
from fiedler_tui.core.store.run_store import RunStore
from tests.tui.test_history import save_run

HOSTILE = (
    "# Findings\n\n"
    "Fine <script>alert('x')</script> and <img src=x onerror=alert(1)>.\n\n"
    "[click](javascript:alert(1)) and ![pixel](https://tracker.example/p.png)\n\n"
    "```python\ndef load(path):\n    return '</code></pre><script>bad()</script>'\n```\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n"
)


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / "runs")


def test_markdown_report_has_the_table_then_each_answer(store: RunStore) -> None:
    run_id = save_run(
        store, datetime(2026, 12, 1, 9, tzinfo=UTC), {"alpha": "Answer | one", "beta": "B2"}
    )
    path = export_run(store.find(run_id), "md")
    assert path == store.root / run_id / "report.md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert text.startswith(f"# Run {run_id}\n")
    assert "| model | status | input | output | total | tok/s | cost | error |" in text
    assert "| alpha | done | 1,100 | 42 | 3.5s | – | $0.0123 |   |" in text
    assert text.index("## Summary") < text.index("## alpha") < text.index("## beta")
    assert "Answer | one" in text.split("## alpha", 1)[1]  # the answer as saved


def test_html_report_renders_highlights_and_escapes_model_text(store: RunStore) -> None:
    run_id = save_run(store, datetime(2026, 12, 1, 9, tzinfo=UTC), {"alpha": HOSTILE})
    path = export_run(store.find(run_id), "html")
    assert path.name == "report.html" and stat.S_IMODE(path.stat().st_mode) == 0o600
    page = path.read_text()
    parser = Tags()
    parser.feed(page)
    names = [tag for tag, _ in parser.tags]
    assert "script" not in names and "img" not in names  # shown as text, never acted on
    assert "Fine &lt;script&gt;alert('x')&lt;/script&gt; and &lt;img src=x" in page
    assert not any(
        (value or "").strip().lower().startswith(("javascript:", "http"))
        for tag, attrs in parser.tags
        for key, value in attrs.items()
        if key in ("href", "src") and tag != "a"
    )
    assert not any((a.get("href") or "").startswith("javascript") for _, a in parser.tags)
    assert all(not k.startswith("on") for _, attrs in parser.tags for k in attrs)
    assert "default-src 'none'" in page  # nothing loads from elsewhere, nothing runs
    assert "<h1>Findings</h1>" in page and "<table>" in page and "<td>1</td>" in page
    code = page.split('<code class="language-python">', 1)[1].split("</code>", 1)[0]
    assert '<span style="' in code  # highlighted with inline styles
    assert "&lt;script&gt;bad()" in code and "<script" not in code


def test_export_refuses_an_unreadable_run_and_an_unwritable_place(
    store: RunStore, tmp_path: Path
) -> None:
    run_id = save_run(store, datetime(2026, 12, 1, 9, tzinfo=UTC), {"alpha": "A"})
    info = store.find(run_id)
    with pytest.raises(ExportError, match=r"cannot write .*missing"):
        export_run(info, "md", tmp_path / "missing" / "r.md")
    broken = store.root / "20260101-000000-000000"
    broken.mkdir()
    (broken / "summary.json").write_text("{not json")
    with pytest.raises(ExportError, match="unreadable summary"):
        export_run(store.find(broken.name), "html")


def test_fiedler_runs_export_writes_md_and_html(store: RunStore, tmp_path: Path) -> None:
    run_id = save_run(store, datetime(2026, 12, 1, 9, tzinfo=UTC), {"alpha": HOSTILE})
    env = {**os.environ, "FIEDLER_OUTPUT_DIR": str(store.root), "NO_COLOR": "1"}

    def fiedler(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "fiedler_tui", "runs", "export", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    done = fiedler(run_id, "--format", "html")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(store.root / run_id / "report.html")
    assert "&lt;script&gt;" in (store.root / run_id / "report.html").read_text()
    elsewhere = tmp_path / "out"
    elsewhere.mkdir()
    done = fiedler(run_id, "--output", str(elsewhere))
    assert done.returncode == 0, done.stderr
    written = elsewhere / f"{run_id}.md"
    assert done.stdout.strip() == str(written) and stat.S_IMODE(written.stat().st_mode) == 0o600
    assert written.read_text().startswith(f"# Run {run_id}")
    missing = fiedler("nope")
    assert missing.returncode == 2 and "no run 'nope'" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad = fiedler(run_id, "--format", "pdf")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_a_deliberation_is_reported_turn_by_turn(store: RunStore) -> None:
    run = store.start_run({})
    assert run.path is not None
    (run.path / "r1-alpha.md").write_text("Opening view of alpha.")
    (run.path / "r2-beta.md.partial").write_text("Half a reply")
    turn = {"status": "done", "usage_input": 5, "usage_output": 7, "cost_usd": 0.001}
    run.write_summary(
        {
            "kind": "crosstalk",
            "status": "interrupted",
            "outputs_saved": False,
            "rounds": [
                {"round": 1, "phase": "open", "turns": [
                    {**turn, "member": "alpha", "output_file": "r1-alpha.md"},
                ]},
                {"round": 2, "phase": "debate", "turns": [
                    {**turn, "member": "beta", "status": "failed", "output_file": "r2-beta.md",
                     "error": {"code": "rate_limited", "message": "slow down"}},
                ]},
            ],
        }
    )  # fmt: skip
    text = export_run(store.find(run.run_id), "md").read_text()
    assert "- kind: crosstalk (deliberation)" in text
    assert "- status: interrupted, not all outputs saved" in text
    assert (
        "| round 2 (debate): beta | failed | 5 | 7 | – | – | $0.0010 | rate_limited: slow down |"
        in text
    )
    first, second = text.split("## round 1 (open): alpha", 1)[1].split("## round 2 (debate): beta")
    assert "Opening view of alpha." in first
    assert "> interrupted: the part received before the run stopped" in second
    assert "Half a reply" in second


def test_a_model_called_report_keeps_its_answer(store: RunStore) -> None:
    run_id = save_run(store, datetime(2026, 12, 1, 9, tzinfo=UTC), {"report": "The answer."})
    info = store.find(run_id)
    path = export_run(info, "md")
    assert path.name == "report-2.md"
    assert (info.path / "report.md").read_text() == "The answer."
    assert "The answer." in path.read_text()
