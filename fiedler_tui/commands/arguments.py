"""The command-line grammar: every subcommand's arguments, without importing what runs them.

Each subcommand names its handler as ``"module:function"`` (a module of this package); the
entry point imports that module only when the subcommand runs, so opening the app, asking for
``--help`` or ``--version`` never loads the network, dry-run or store code.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from fiedler_tui.commands.once_argument import GivenOnce
from fiedler_tui.commands.preference_arguments import (
    add_preference_commands,
    add_template_argument,
)
from fiedler_tui.commands.reasoning_arguments import add_reasoning_arguments


def positive_int(raw: str) -> int:
    """An argparse type: a whole number above zero."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {raw!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {raw!r}")
    return value


def port_number(raw: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {raw!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {raw!r}")
    return value


def add_commands(subparsers: Any) -> None:
    """Every subcommand, in the order ``fiedler --help`` lists them."""
    _models(subparsers)
    add_preference_commands(subparsers)
    _doctor(subparsers)
    _keys(subparsers)
    _dry_run(subparsers)
    _send(subparsers)
    _crosstalk(subparsers)
    _batch(subparsers)
    _runs(subparsers)
    _scores(subparsers)
    _mcp(subparsers)
    _serve(subparsers)


def _models(subparsers: Any) -> None:
    parser = subparsers.add_parser("models", help="list the configured models")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--remote",
        metavar="PROVIDER",
        help="list what the provider's models endpoint offers instead, marking the configured "
        "models and the configured ones it no longer lists",
    )
    parser.set_defaults(handler="models:run")


def _doctor(subparsers: Any) -> None:
    parser = subparsers.add_parser("doctor", help="check config, keys, folders and tokenizers")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.set_defaults(handler="doctor:run")


def _keys(subparsers: Any) -> None:
    parser = subparsers.add_parser("keys", help="list, store or delete provider API keys")
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="where each provider's key comes from")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler="keys:run_list")
    setter = actions.add_parser(
        "set", help="store a key in the keyring (read from a hidden prompt or stdin)"
    )
    setter.add_argument("provider")
    setter.set_defaults(handler="keys:run_set")
    deleter = actions.add_parser("delete", help="delete a key from the keyring")
    deleter.add_argument("provider")
    deleter.set_defaults(handler="keys:run_delete")


def _dry_run(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dry-run",
        help="show the package, token budgets and cost per model without sending",
        description="Build the package from PATHs and check it against each model's budget.",
    )
    _package_arguments(parser)
    _count_api_argument(parser)
    _egress_argument(parser)
    parser.add_argument(
        "--explain",
        action="append",
        default=[],
        metavar="PATH",
        help="say which egress rule decides for PATH and whether each model may receive it "
        "(repeatable)",
    )
    parser.set_defaults(handler="dry_run:run")


def _send(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "send",
        help="send the prompt and files to the models at once and save their answers",
        description="Run the dry run's checks, then stream every model's answer to disk.",
    )
    _package_arguments(parser, paths_required=False)
    _count_api_argument(parser)
    _egress_argument(parser)
    parser.add_argument("--events", action="store_true", help="print events as JSON lines")
    parser.add_argument("--output-dir", metavar="D", help="save the run under D")
    parser.add_argument(
        "--continue",
        dest="continue_run",
        metavar="RUN_ID",
        default=None,
        help="ask a follow-up (-p TEXT) of run RUN_ID's models (-m: some of them), each in its "
        "own conversation, saved as the run's next turn; no PATH: the run's files are read again",
    )
    parser.add_argument(
        "--earlier-prompt",
        action="append",
        default=[],
        metavar="TEXT",
        help="with --continue: a prompt or question of the run that was not saved (checked "
        "against its sha256); repeatable",
    )
    parser.set_defaults(handler="send:run")


def _count_api_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--count-api",
        action="append",
        default=[],
        metavar="PROVIDER",
        help="count with PROVIDER's count endpoint (repeatable; 'all': every provider that has "
        "one); this sends the package to it before you send",
    )


def _egress_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--egress",
        choices=("refuse", "reduce"),
        default="refuse",
        help="a model whose egress rules forbid files of the package: refuse the send (the "
        "default) or send it a reduced package without those files",
    )


def positive_float(raw: str) -> float:
    """An argparse type: a number above zero (a spending cap)."""
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {raw!r}")
    return value


def _crosstalk(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "crosstalk",
        help="let 2 to 5 models deliberate on the prompt and files (debate, relay, report, memory)",
        description="Run the dry run's checks and the deliberation's budget, then the rounds; "
        "every turn is saved as it streams.",
    )
    _package_arguments(
        parser, system=False, model_help="a member (2 to 5 distinct models; give -m for each)"
    )
    parser.add_argument(
        "--paradigm",
        choices=("debate", "relay", "report", "memory"),
        default=None,
        help="how the members deliberate (default: debate)",
    )
    parser.add_argument(
        "--rounds",
        type=positive_int,
        default=None,
        metavar="N",
        help="rounds (relay: laps); default 3 for debate and memory, 1 for relay, 2 for report",
    )
    parser.add_argument("--chair", default=None, metavar="ALIAS", help="the model that chairs")
    parser.add_argument(
        "--persona",
        action="append",
        default=[],
        metavar="ALIAS=FILE|ROLE",
        help="a member's system prompt: a file in the allowed roots or a built-in role "
        "(skeptic, security, architect, tester, pragmatist); repeatable",
    )
    parser.add_argument(
        "--max-cost",
        type=positive_float,
        default=None,
        metavar="USD",
        help="refuse when the worst case is above USD (default: FIEDLER_MAX_COST_USD)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show the budget per round and turn; send nothing"
    )
    parser.add_argument("--events", action="store_true", help="print events as JSON lines")
    parser.add_argument("--output-dir", metavar="D", help="save the deliberation under D")
    parser.add_argument(
        "--resume",
        metavar="RUN_ID",
        default=None,
        help="continue an interrupted deliberation from its last complete round (same PATHs "
        "and prompt; members, paradigm, rounds, chair and personas come from the run)",
    )
    parser.set_defaults(handler="crosstalk:run", system=None)


def _batch(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "batch", help="review sets (units x models) through the providers' batch engines"
    )
    actions = parser.add_subparsers(dest="batch_action", metavar="ACTION", required=True)
    submit = actions.add_parser(
        "submit",
        help="split PATHs into units and submit every unit to every model",
        description="The set's dry run, the checks send makes, then the batches.",
    )
    _package_arguments(submit, model_help="a model to send every unit to (repeatable)")
    submit.add_argument(
        "--per",
        choices=["file", "folder", "package"],
        default="file",
        help="one unit per file (default), per folder, or the whole package as one",
    )
    submit.add_argument(
        "--dry-run", action="store_true", help="show the set's dry run and submit nothing"
    )
    submit.add_argument("--output-dir", metavar="D", help="save the answers under D")
    submit.add_argument(
        "--resume",
        metavar="ID",
        default=None,
        help="continue job ID cut short while submitting, and submit its expired requests "
        "again (same paths and prompt)",
    )
    _wait_arguments(submit, "then wait for every batch to end and fetch the answers")
    submit.set_defaults(handler="batch:run_submit")
    listing = actions.add_parser("list", help="the batch jobs, newest first")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler="batch_jobs:run_list")
    for name, text, handler in (
        ("status", "ask the providers how a job is going", "run_status"),
        ("fetch", "save the answers of the batches that have ended (repeatable)", "run_fetch"),
        ("cancel", "cancel a job's batches and the requests not sent", "run_cancel"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("job_id", metavar="ID")
        action.add_argument("--json", action="store_true", help="print JSON instead of lines")
        if name == "fetch":
            _wait_arguments(action, "fetch again until every batch has ended")
        action.set_defaults(handler=f"batch_jobs:{handler}")


def _wait_arguments(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--wait", action="store_true", help=text)
    parser.add_argument(
        "--interval",
        type=positive_float,
        default=60.0,
        metavar="S",
        help="with --wait: seconds between two rounds of asking (default 60)",
    )
    parser.add_argument(
        "--keep-remote",
        action="store_true",
        help="leave the providers' copies of a batch (input, results) once its answers are "
        "saved (default: deleted)",
    )


def _runs(subparsers: Any) -> None:
    parser = subparsers.add_parser("runs", help="list saved runs, show or export one")
    parser.add_argument("--json", action="store_true", help="print JSON")
    actions = parser.add_subparsers(dest="runs_action", metavar="ACTION")
    show = actions.add_parser("show", help="a run's summary and output files")
    show.add_argument("run_id", metavar="ID")
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    show.set_defaults(handler="runs:run_show")
    export = actions.add_parser(
        "export",
        help="write a run's report: Markdown or a self-contained HTML page",
        description="Write the run's report (facts, summary table, each answer) owner-only into "
        "its folder as report.md or report.html, or to --output.",
    )
    export.add_argument("run_id", metavar="ID")
    export.add_argument("--format", choices=("md", "html"), default="md", help="md or html")
    export.add_argument("--output", metavar="PATH", help="write here (a folder: ID.md or ID.html)")
    export.set_defaults(handler="runs:run_export")
    parser.set_defaults(handler="runs:run_list")


def iso_day(raw: str) -> date:
    """An argparse type: a day as ``YYYY-MM-DD``."""
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {raw!r}")


def _scores(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scores",
        help="per model: runs rated, wins, mean rating, cost per win (Review's blind ratings)",
        description="The scoreboard of the rated runs (rated in Review's blind mode) started "
        "in the period (both dates inclusive, UTC), served by the runs index in the state dir.",
    )
    parser.add_argument("--since", type=iso_day, metavar="DATE", help="from this day (YYYY-MM-DD)")
    parser.add_argument("--until", type=iso_day, metavar="DATE", help="to this day (YYYY-MM-DD)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler="scores:run")


def _mcp(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mcp",
        help="serve fiedler's tools to an assistant over MCP (stdio, or HTTP with --http)",
        description="Serve the MCP tools over stdio (stdout carries only the protocol), or "
        "over streamable HTTP at /mcp with a bearer token.",
    )
    parser.add_argument(
        "--http",
        metavar="[HOST:]PORT",
        default=None,
        help="serve streamable HTTP instead of stdio (host default 127.0.0.1; a non-loopback "
        "host needs FIEDLER_MCP_TOKEN)",
    )
    parser.add_argument(
        "--log-stderr", action="store_true", help="also write the log to standard error"
    )
    parser.set_defaults(handler="mcp:run")


def _serve(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the app to a browser (textual-serve), on 127.0.0.1 with a token",
        description="Serve the app to a web browser. Open the address printed at start: it "
        "carries the token (FIEDLER_SERVE_TOKEN, or one generated now). Each tab runs its own "
        "app with this command's --demo, --config and environment.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; another one needs FIEDLER_SERVE_TOKEN)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=8000,
        help="port to listen on (default 8000; 0: any free one)",
    )
    parser.set_defaults(handler="serve:run")


def _package_arguments(
    parser: argparse.ArgumentParser,
    *,
    system: bool = True,
    model_help: str = "a model to budget for (repeatable; default: the models marked default)",
    paths_required: bool = True,
) -> None:
    """The arguments ``dry-run``, ``send`` and ``crosstalk`` share: paths, models, prompt,
    filters, secrets (``crosstalk`` has personas instead of ``--system``; ``send`` checks its
    paths itself, as ``--continue`` takes none)."""
    parser.add_argument(
        "paths",
        nargs="+" if paths_required else "*",
        metavar="PATH",
        help="files or folders to package",
    )
    parser.add_argument(
        "-m",
        "--model",
        action="append",
        default=[],
        metavar="ALIAS",
        help=model_help,
    )
    prompt = parser.add_mutually_exclusive_group()
    prompt.add_argument(
        "-p", "--prompt", action=GivenOnce, default=None, metavar="TEXT", help="the prompt"
    )
    prompt.add_argument(
        "--prompt-file", action=GivenOnce, default=None, metavar="F", help="read the prompt from F"
    )
    add_template_argument(prompt)
    if system:
        parser.add_argument("--system", default=None, metavar="TEXT", help="system prompt to use")
    parser.add_argument(
        "--max-completion-tokens",
        type=positive_int,
        default=None,
        metavar="N",
        help="reserve N completion tokens for every model (default: each model's own)",
    )
    add_reasoning_arguments(parser)
    parser.add_argument(
        "--include", action="append", default=[], metavar="GLOB", help="keep only matching files"
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="leave matching paths out"
    )
    secrets = parser.add_mutually_exclusive_group()
    secrets.add_argument(
        "--allow-secrets", action="store_true", help="send files with likely secrets as they are"
    )
    secrets.add_argument(
        "--mask-secrets", action="store_true", help="replace likely secret values with markers"
    )
    secrets.add_argument(
        "--exclude-secrets", action="store_true", help="leave files with likely secrets out"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
