"""Writing a run's report: ``report.md`` or ``report.html`` in the run folder (or a chosen
path), owner-only (0600), replaced atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.export.answers import run_answers
from fiedler_tui.core.export.html_report import html_report
from fiedler_tui.core.export.markdown_report import markdown_report
from fiedler_tui.core.store.private_files import atomic_write_bytes
from fiedler_tui.core.store.run_store import RunInfo

ExportFormat = Literal["md", "html"]
FORMATS: tuple[ExportFormat, ...] = ("md", "html")


class ExportError(FiedlerError):
    """The report could not be written."""

    title = "Cannot export the run"
    exit_code = 2


def report_text(info: RunInfo, fmt: ExportFormat) -> str:
    """The report of ``info`` in ``fmt``."""
    answers = run_answers(info)
    return markdown_report(info, answers) if fmt == "md" else html_report(info, answers)


def export_run(info: RunInfo, fmt: ExportFormat, output: Path | None = None) -> Path:
    """Write the report (to ``output``, else ``report.<fmt>`` in the run folder); its path."""
    if info.problem:
        raise ExportError(f"run {info.run_id}: {info.problem}")
    target = output if output is not None else info.path / f"report.{fmt}"
    if target.is_dir():
        target = target / f"{info.run_id}.{fmt}"
    try:
        atomic_write_bytes(target, report_text(info, fmt).encode("utf-8"))
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
