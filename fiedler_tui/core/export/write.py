"""Writing a run's report: ``report.md`` or ``report.html`` in the run folder (or a chosen
path), owner-only (0600), replaced atomically. A run whose own files would be called that (a
model named ``report``) gets ``report-2.md`` and so on, so no answer is ever overwritten."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.export.answers import Answer
from fiedler_tui.core.export.html_report import html_report
from fiedler_tui.core.export.markdown_report import markdown_report
from fiedler_tui.core.export.thread import ThreadTurn, run_thread
from fiedler_tui.core.store.names import safe_file_stem
from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.private_files import atomic_write_bytes
from fiedler_tui.core.store.run_store import RESERVE_NAME, SUMMARY_NAME, RunInfo

ExportFormat = Literal["md", "html"]
FORMATS: tuple[ExportFormat, ...] = ("md", "html")


class ExportError(FiedlerError):
    """The report could not be written."""

    title = "Cannot export the run"
    exit_code = 2


def report_text(info: RunInfo, fmt: ExportFormat, turns: list[ThreadTurn]) -> str:
    """The report of ``info`` in ``fmt`` (``turns``: :func:`run_thread`)."""
    return markdown_report(info, turns) if fmt == "md" else html_report(info, turns)


def _run_files(answers: list[Answer]) -> set[str]:
    """The names (lowercased) the run's own files have or would have in its folder."""
    taken = {SUMMARY_NAME.lower(), RESERVE_NAME.lower()}
    names = set(taken)
    for answer in answers:
        name = answer.record.output_file
        if name is not None:
            names.add(name.lower())
        names.add(f"{safe_file_stem(answer.record.alias, taken)}.md")
    return names | {name + PARTIAL_SUFFIX for name in names}


def report_name(answers: list[Answer], fmt: ExportFormat) -> str:
    """``report.<fmt>``, or ``report-N.<fmt>`` when one of the run's own files has that name."""
    names = _run_files(answers)
    name, counter = f"report.{fmt}", 2
    while name in names:
        name, counter = f"report-{counter}.{fmt}", counter + 1
    return name


def export_run(info: RunInfo, fmt: ExportFormat, output: Path | None = None) -> Path:
    """Write the report (to ``output``, else ``report.<fmt>`` in the run folder); its path."""
    if info.problem:
        raise ExportError(f"run {info.run_id}: {info.problem}")
    try:
        turns = run_thread(info)
    except OSError as exc:
        raise ExportError(f"cannot read the answers of run {info.run_id}: {exc}") from None
    first = list(turns[0].answers)  # the run folder's own files (a turn's are in turns/<n>/)
    target = output if output is not None else info.path / report_name(first, fmt)
    if target.is_dir():
        target = target / f"{info.run_id}.{fmt}"
    try:
        atomic_write_bytes(target, report_text(info, fmt, turns).encode("utf-8"))
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
