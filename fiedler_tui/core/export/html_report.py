"""A run as one self-contained HTML page: facts, summary table, each answer rendered from its
Markdown with code highlighted (Pygments, inline styles), a model's thinking after it in a
collapsed ``<details>``; a run that was followed up, as a thread: each turn's section (a
follow-up's with its question, shown as text), then its answers.

Nothing in the page loads from elsewhere or runs: no scripts, no images (an image in an answer is
shown as its link), a Content-Security-Policy that forbids both; raw HTML in an answer is shown as
text, and links with a ``javascript:`` (or ``data:``, ``file:``) address are not made links.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from markdown_it import MarkdownIt
from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

from fiedler_tui.core.export.answers import Answer
from fiedler_tui.core.export.figures import (
    COLUMNS,
    facts,
    row,
    thinking_title,
    turn_heading,
    unsaved_question,
)
from fiedler_tui.core.export.thread import ThreadTurn
from fiedler_tui.core.store.run_store import RunInfo

POLICY = "default-src 'none'; style-src 'unsafe-inline'"
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1f2328; background: #fff; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; }
code { font-family: ui-monospace, monospace; }
blockquote { border-left: .25rem solid #d0d7de; margin: 0; padding: 0 1rem; color: #57606a; }
section.answer { border-top: 1px solid #d0d7de; margin-top: 2rem; }
section.turn { border-top: 3px solid #57606a; margin-top: 3rem; }
blockquote.question { white-space: pre-wrap; }
.note { color: #9a6700; }
details.thinking { margin: 1rem 0; padding: 0 1rem; background: #f6f8fa; color: #57606a; }
details.thinking summary { cursor: pointer; padding: .5rem 0; }
dt { font-weight: bold; } dd { margin: 0 0 .5rem 1rem; white-space: pre-wrap; }
"""
_FORMATTER = HtmlFormatter(noclasses=True, nowrap=True, style="default")


def _highlight(code: str, language: str, _attrs: str) -> str:
    """Code as highlighted HTML spans (escaped by Pygments); empty lets the parser escape it."""
    try:
        lexer = get_lexer_by_name(language.strip()) if language.strip() else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""
    return str(highlight(code, lexer, _FORMATTER))


def _renderer() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
    parser.enable("table")
    parser.enable("strikethrough")
    parser.disable("image")  # an image would load from elsewhere: its link is shown instead
    return parser


def _answer(answer: Answer, heading: str, title: str, render: Callable[[str], str]) -> list[str]:
    parts = [f'<section class="answer"><{heading}>{escape(title)}</{heading}>']
    if answer.note:
        parts.append(f'<p class="note">{escape(answer.note)}</p>')
    parts.append(render(answer.text) if answer.text else "<p><em>(no text)</em></p>")
    if answer.thinking or answer.thinking_note:  # collapsed, apart from the answer
        parts.append(
            f'<details class="thinking"><summary>{escape(thinking_title(answer))}</summary>'
        )
        if answer.thinking_note:
            parts.append(f'<p class="note">{escape(answer.thinking_note)}</p>')
        parts += [render(answer.thinking) if answer.thinking else "", "</details>"]
    parts.append("</section>")
    return parts


def _turn(turn: ThreadTurn, render: Callable[[str], str]) -> list[str]:
    parts = [f'<section class="turn"><h2>{escape(turn_heading(turn))}</h2>']
    if turn.problem:
        parts.append(f'<p class="note">{escape(turn.problem)}</p>')
    if turn.number > 1 and turn.question is not None:
        parts.append(f'<blockquote class="question">{escape(turn.question)}</blockquote>')
    elif turn.number > 1:
        parts.append(f"<p><em>({escape(unsaved_question(turn))})</em></p>")
    for answer in turn.answers:
        parts += _answer(
            answer, "h3", answer.record.alias if turn.number > 1 else answer.title, render
        )
    parts.append("</section>")
    return parts


def html_report(info: RunInfo, turns: list[ThreadTurn]) -> str:
    """The whole page as a string."""
    render = _renderer().render
    answers = [a for t in turns for a in t.answers]
    title = escape(f"Run {info.run_id}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        "<dl>",
    ]
    for label, value in facts(info, turns):
        parts.append(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>")
    parts += ["</dl>", "<h2>Summary</h2>", "<table><thead><tr>"]
    parts += [f"<th>{escape(c)}</th>" for c in COLUMNS]
    parts.append("</tr></thead><tbody>")
    for answer in answers:
        cells = "".join(f"<td>{escape(c)}</td>" for c in row(answer))
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    if len(turns) < 2:
        for answer in answers:
            parts += _answer(answer, "h2", answer.title, render)
    else:
        for turn in turns:
            parts += _turn(turn, render)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
