"""The MCP server: tool and resource definitions written for an assistant, presenting the core.

Every tool returns structured content with the same as text; a refusal is a tool error
(``isError``) whose structured body says ``code``, ``message`` and ``reasons``. A send reports
per-model progress at most four times a second; a cancelled call (or a client that goes away)
cancels every model, keeps what was received and saves the run as ``cancelled``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any, Literal, ParamSpec, Protocol, TypeVar

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from fiedler_tui import __version__
from fiedler_tui.core.mcp_tools import FiedlerTools, RunResult, ToolArguments, ToolRefusal
from fiedler_tui.core.mcp_tools.arguments import CrosstalkChoices
from fiedler_tui.core.mcp_tools.crosstalk_progress import DeliberationProgress
from fiedler_tui.core.mcp_tools.crosstalk_result import DeliberationResult, SavedRunResult
from fiedler_tui.core.mcp_tools.model_list import ModelList
from fiedler_tui.core.mcp_tools.progress import PROGRESS_INTERVAL_S, ProgressTracker
from fiedler_tui.core.mcp_tools.results import INLINE_CHARS
from fiedler_tui.mcp.client_gone import CLIENT_GONE
from fiedler_tui.mcp.results import (
    data_result,
    deliberation_result,
    refusal_result,
    run_result,
)
from fiedler_tui.mcp.strict_tools import StrictTools

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
Lifespan = Callable[[MCPServer], AbstractAsyncContextManager[Any]]

INSTRUCTIONS = (
    "fiedler sends one prompt plus a package of files to several LLMs at once and saves every "
    "answer. Call fiedler_dry_run first to see sizes, token budgets, cost and anything that "
    "would block the send; then fiedler_send (or fiedler_crosstalk to let several models "
    "deliberate). Files are read only inside the folders of "
    "FIEDLER_ALLOWED_FILE_ROOTS (fiedler_get_config shows them)."
)

Prompt = Annotated[str, Field(description="The prompt sent to every model with the files.")]
Files = Annotated[
    list[str] | None,
    Field(
        description=(
            "Files or folders to send, relative to the server's working directory or absolute. "
            "Only paths inside FIEDLER_ALLOWED_FILE_ROOTS are read; when that variable is unset "
            "every path is refused (a prompt alone still works). Paths outside the roots, with "
            "'..', symlinks leading out, special files, binary or non-UTF-8 files are refused. "
            "Folders bring in their text files, skipping .git and other ignored folders."
        )
    ),
]
Models = Annotated[
    list[str] | None,
    Field(
        description=(
            "Model names or aliases from fiedler_list_models, or @NAME for a saved model set "
            "(fiedler sets). Omitted: the models marked default. Unknown names are refused."
        )
    ),
]
Secrets = Annotated[
    Literal["refuse", "mask", "exclude", "allow"],
    Field(
        description=(
            "What to do when a file holds a likely secret (API key, token, password, private "
            "key): 'refuse' (default) refuses the send and lists the findings; 'mask' replaces "
            "only the secret part with a marker; 'exclude' leaves those files out; 'allow' sends "
            "them as they are and is refused unless the server runs with "
            "FIEDLER_MCP_ALLOW_SECRETS=1."
        )
    ),
]
MaxCompletion = Annotated[
    int | None,
    Field(
        description=(
            "Completion tokens to reserve and allow for every model, instead of each model's "
            "own max_completion_tokens. Over a model's window the send is refused."
        ),
        gt=0,
    ),
]
MaxCost = Annotated[
    float | None,
    Field(
        description=(
            "Refuse before sending when the worst-case cost (input tokens x price + reserved "
            "completion x price, all models) is above this many US dollars. "
            "FIEDLER_MAX_COST_USD on the server applies as well."
        ),
        gt=0,
    ),
]

Egress = Annotated[
    Literal["refuse", "reduce"],
    Field(
        description=(
            "What to do with a model the egress rules of models.yaml forbid files of the "
            "package: 'refuse' (default) refuses the call naming the "
            "files and rules; 'reduce' sends that model a package without them (its own size "
            "and budget; the run records the files it did not see)."
        )
    ),
]

ReasoningEffortArg = Annotated[
    Literal["minimal", "low", "medium", "high"] | None,
    Field(
        description=(
            "Reasoning effort for the models that take one (OpenAI reasoning models; see "
            "reasoning_efforts in fiedler_list_models), instead of each model's own; left out "
            "for the others. A value a model does not accept is refused."
        )
    ),
]
ThinkingBudgetArg = Annotated[
    int | None,
    Field(
        description=(
            "Thinking tokens for the models that take a budget (Claude, Gemini: "
            "thinking_budget_range in fiedler_list_models), instead of each model's own; it is "
            "part of the completion reserve and must be smaller than it. 0 turns thinking off "
            "where a model allows it."
        ),
        ge=0,
    ),
]

ProviderName = Annotated[
    str, Field(description="a provider name from fiedler_list_keys (not a model name)")
]
ApiKey = Annotated[str, Field(description="the API key", min_length=1)]


def _arguments(
    prompt: str,
    files: list[str] | None,
    models: list[str] | None,
    secrets: str,
    max_completion_tokens: int | None,
    max_cost_usd: float | None,
) -> ToolArguments:
    return ToolArguments(
        prompt=prompt,
        files=tuple(files or ()),
        models=tuple(models or ()),
        secrets=secrets,
        max_completion_tokens=max_completion_tokens,
        max_cost_usd=max_cost_usd,
    )


def _guarded(
    fn: Callable[P, Awaitable[CallToolResult]],
) -> Callable[P, Awaitable[CallToolResult]]:
    """A refusal becomes a structured tool error; anything unexpected too, its traceback kept
    in the log file."""

    @functools.wraps(fn)
    async def call(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        try:
            return await fn(*args, **kwargs)
        except ToolRefusal as refusal:
            log.info("%s refused: %s", fn.__name__, refusal.message)
            return refusal_result(refusal)
        except Exception as exc:
            log.exception("%s failed", fn.__name__)
            return refusal_result(
                ToolRefusal(
                    "internal",
                    f"internal error: {type(exc).__name__}: {exc} (details in the log file)",
                )
            )

    return call


class _Progress(Protocol):
    @property
    def version(self) -> int: ...

    def message(self) -> str: ...


async def _follow(
    task: asyncio.Task[R],
    progress: _Progress,
    ctx: Context,
    label: Callable[[], str],
    when_gone: Callable[[], R],
    stop: Callable[[], None] | None = None,
) -> R:
    """Report ``progress`` while ``task`` runs, at most every PROGRESS_INTERVAL_S and only when
    it changed; a cancelled call or a client gone stops the task (``stop``, or cancelling it)
    and waits for it, shielded, so what arrived is saved and the run marked cancelled."""
    halt = stop or task.cancel
    gone = CLIENT_GONE.get()
    sent = -1
    notifications = 0
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=PROGRESS_INTERVAL_S)
            if gone is not None and gone.is_set() and not task.done():
                log.info("%s: the HTTP client has gone; cancelling it", label())
                halt()
                await asyncio.wait({task})
                return when_gone()  # saved as cancelled; read by nobody
            if progress.version != sent:
                sent = progress.version
                notifications += 1
                try:
                    await ctx.report_progress(notifications, None, progress.message())
                except Exception as exc:  # a client that cannot take it still gets the result
                    log.debug("progress not delivered: %s: %s", type(exc).__name__, exc)
    except BaseException:
        halt()
        with anyio.CancelScope(shield=True):
            await asyncio.wait({task})
        log.info("%s cancelled by the client", label())
        raise
    return task.result()


async def _send_with_progress(tools: FiedlerTools, args: ToolArguments, ctx: Context) -> RunResult:
    session = await tools.prepare_send(args)
    tracker = ProgressTracker(session.aliases)
    task = asyncio.create_task(tools.run_session(session, tracker.handle))
    return await _follow(
        task, tracker, ctx, lambda: f"run {session.run_id}", lambda: tools.session_result(session)
    )


async def _crosstalk_with_progress(
    tools: FiedlerTools, args: ToolArguments, choices: CrosstalkChoices, ctx: Context
) -> DeliberationResult:
    session = await tools.prepare_crosstalk(args, choices)
    progress = DeliberationProgress()
    task = asyncio.create_task(tools.run_deliberation(session, progress.handle))
    # The deliberation is cancelled from within, at whatever point it is (not yet entered
    # too), so it records every turn to its end and saves itself as cancelled.
    return await _follow(
        task,
        progress,
        ctx,
        lambda: f"deliberation {session.run_id}",
        lambda: tools.deliberation_result(session),
        session.cancel_all,
    )


def build_server(tools: FiedlerTools, lifespan: Lifespan | None = None) -> MCPServer:
    registry = StrictTools()
    read_only = ToolAnnotations(readOnlyHint=True, openWorldHint=False)

    @registry.tool(
        description=(
            "Preview a send without sending: the files packaged, paths skipped with reasons, "
            "likely secrets, and per model the input tokens (exact or estimate), reserved "
            "completion, context window, worst-case cost and key status, plus every blocker "
            "that would refuse fiedler_send. Nothing leaves the machine."
        ),
        annotations=read_only,
    )
    @_guarded
    async def fiedler_dry_run(
        prompt: Prompt,
        files: Files = None,
        models: Models = None,
        secrets: Secrets = "refuse",
        max_completion_tokens: MaxCompletion = None,
        max_cost_usd: MaxCost = None,
        egress: Egress = "refuse",
        reasoning_effort: ReasoningEffortArg = None,
        thinking_budget: ThinkingBudgetArg = None,
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        args = _arguments(prompt, files, models, secrets, max_completion_tokens, max_cost_usd)
        args = dataclasses.replace(
            args, egress=egress, reasoning_effort=reasoning_effort, thinking_budget=thinking_budget
        )
        return data_result(await tools.dry_run(args))

    @registry.tool(
        description=(
            "Send the prompt and files to every chosen model at once and return each answer. "
            "The dry run's checks run first and anything blocking refuses the call with the "
            "reasons (nothing sent). Per model: status, error {code, message, provider, "
            "http_status, retries}, reported usage against the estimate, cost, time to first "
            f"token, total time, saved output file, and the answer inline up to "
            f"{INLINE_CHARS:,} characters (longer answers: the beginning, a note and a "
            "fiedler://runs/{run_id}/{model} resource with the whole text). Progress is "
            "reported while models run; cancelling the call cancels the run and keeps what was "
            "received."
        ),
        annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, openWorldHint=True),
    )
    @_guarded
    async def fiedler_send(
        prompt: Prompt,
        ctx: Context,
        files: Files = None,
        models: Models = None,
        secrets: Secrets = "refuse",
        max_completion_tokens: MaxCompletion = None,
        max_cost_usd: MaxCost = None,
        egress: Egress = "refuse",
        reasoning_effort: ReasoningEffortArg = None,
        thinking_budget: ThinkingBudgetArg = None,
    ) -> Annotated[CallToolResult, RunResult]:
        args = _arguments(prompt, files, models, secrets, max_completion_tokens, max_cost_usd)
        args = dataclasses.replace(
            args, egress=egress, reasoning_effort=reasoning_effort, thinking_budget=thinking_budget
        )
        return run_result(await _send_with_progress(tools, args, ctx))

    @registry.tool(
        description=(
            "Let 2 to 5 models deliberate on the prompt and files: 'debate' (answers, then "
            "rounds where each sees the others' anonymised answers and gives a verdict with a "
            "confidence), 'relay' (each improves the previous answer, in laps), 'report' (answers, "
            "then ranked reviews, then the chair's report) or 'memory' (debate with a ledger the "
            "chair keeps). The dry run's checks and the deliberation's budget run first: a round "
            "that could overflow a window, or a worst case above max_cost_usd or "
            "FIEDLER_MAX_COST_USD, refuses the call naming the round (nothing sent). Returns per "
            "round and turn: status, verdict and confidence, usage, cost and error, and the "
            f"result inline up to {INLINE_CHARS:,} characters (longer: the beginning and the "
            "resource fiedler://runs/{run_id}/result). Progress is reported per round and "
            "member; cancelling the call cancels every turn and keeps what arrived, and "
            "resume (that run's id) continues it later from its last complete round."
        ),
        annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, openWorldHint=True),
    )
    @_guarded
    async def fiedler_crosstalk(
        prompt: Prompt,
        ctx: Context,
        files: Files = None,
        models: Annotated[
            list[str] | None,
            Field(
                description=(
                    "The members: 2 to 5 model names or aliases from fiedler_list_models "
                    "(@NAME: a saved model set). Omitted: the models marked default. Unknown "
                    "names are refused."
                )
            ),
        ] = None,
        paradigm: Annotated[
            Literal["debate", "relay", "report", "memory"] | None,
            Field(description="how the members deliberate (default debate)"),
        ] = None,
        rounds: Annotated[
            int | None,
            Field(
                description=(
                    "member rounds (relay: laps); omitted: the paradigm's default (debate 3); "
                    "report always runs 2"
                ),
                gt=0,
            ),
        ] = None,
        chair: Annotated[
            str | None,
            Field(
                description=(
                    "a model that writes the synthesis or report (report and memory need one); "
                    "it may also be a member"
                )
            ),
        ] = None,
        personas: Annotated[
            dict[str, str] | None,
            Field(
                description=(
                    "member alias -> a built-in reviewer role (e.g. 'security', 'skeptic') or a "
                    "persona file inside FIEDLER_ALLOWED_FILE_ROOTS"
                )
            ),
        ] = None,
        secrets: Secrets = "refuse",
        max_completion_tokens: MaxCompletion = None,
        max_cost_usd: MaxCost = None,
        resume: Annotated[
            str | None,
            Field(
                description=(
                    "the run id of an interrupted or cancelled deliberation to continue from its "
                    "last complete round, as `fiedler crosstalk --resume` does: give the same "
                    "prompt, files and secrets; members, paradigm, rounds, chair, personas and "
                    "max_completion_tokens come from that run (leave them out: different ones "
                    "are refused). The complete rounds are not sent again; the deliberation is "
                    "saved as a new run. Refused: an unknown id, a run that is not a "
                    "deliberation or not interrupted/cancelled, a changed prompt or package"
                ),
                min_length=1,
            ),
        ] = None,
        reasoning_effort: ReasoningEffortArg = None,
        thinking_budget: ThinkingBudgetArg = None,
    ) -> Annotated[CallToolResult, DeliberationResult]:
        args = _arguments(prompt, files, models, secrets, max_completion_tokens, max_cost_usd)
        args = dataclasses.replace(
            args, reasoning_effort=reasoning_effort, thinking_budget=thinking_budget
        )
        choices = CrosstalkChoices(
            paradigm=paradigm,
            rounds=rounds,
            chair=chair,
            personas=dict(personas or {}),
            resume=resume,
        )
        return deliberation_result(await _crosstalk_with_progress(tools, args, choices, ctx))

    @registry.tool(
        description=(
            "The configured models: name, aliases, provider, model id, whether it is a "
            "default, context window, max_completion_tokens, prices (USD per 1M tokens: input, "
            "output, cached input, cache writes, long-context price tiers), the reasoning "
            "controls it takes (reasoning_efforts, thinking_budget_range) and its defaults, "
            "timeouts, retries and where its provider's key comes from."
        ),
        annotations=read_only,
    )
    @_guarded
    async def fiedler_list_models() -> Annotated[CallToolResult, ModelList]:
        return data_result((await tools.list_models()).model_dump(mode="json"))

    @registry.tool(
        description=(
            "The server's settings: models.yaml in use, default models, the folders files may "
            "be read from (none when FIEDLER_ALLOWED_FILE_ROOTS is unset), where runs are "
            "saved, the spending cap, package limits, whether secrets='allow' is permitted, "
            "and the inline answer size."
        ),
        annotations=read_only,
    )
    @_guarded
    async def fiedler_get_config() -> Annotated[CallToolResult, dict[str, Any]]:
        return data_result(await tools.get_config())

    @registry.tool(
        description=(
            "Where each provider's API key comes from (keyring, env, missing, not needed) and "
            "the keyring backend. Never shows a key."
        ),
        annotations=read_only,
    )
    @_guarded
    async def fiedler_list_keys() -> Annotated[CallToolResult, dict[str, Any]]:
        return data_result(await tools.list_keys())

    @registry.tool(
        description=(
            "Saved runs, newest first: run id, status (done, partial, failed, cancelled, "
            "interrupted, running), start time, cost_usd (its first turn), total_cost_usd "
            "(with every follow-up turn's), turns and each model's status."
        ),
        annotations=read_only,
    )
    @_guarded
    async def fiedler_runs(
        limit: Annotated[int, Field(description="most runs to list", gt=0, le=1000)] = 20,
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        return data_result(await tools.runs(limit))

    @registry.tool(
        description=(
            "One saved run: its status and, per model, the same fields as fiedler_send returns, "
            f"answers inline up to {INLINE_CHARS:,} characters (longer: a resource to read); "
            "total_cost_usd, the whole run's cost with its follow-up turns (cost_usd is its "
            "first turn's); for a deliberation also its rounds, turns, verdicts and result, as "
            "fiedler_crosstalk returns them."
        ),
        annotations=read_only,
    )
    @_guarded
    async def fiedler_run(
        run_id: Annotated[
            str,
            Field(description="a run id from fiedler_runs, fiedler_send or fiedler_crosstalk"),
        ],
    ) -> Annotated[CallToolResult, SavedRunResult]:
        return run_result(await tools.run(run_id))

    @registry.tool(
        description=(
            "Save the models used when a call names none, for this server and for the fiedler "
            "command line and app of this user (in defaults.json in the user config dir; they "
            "replace models.yaml's default: flags). An empty list clears the saved models, so "
            "models.yaml's defaults apply again. Unknown names are refused."
        ),
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
        ),
    )
    @_guarded
    async def fiedler_set_models(
        models: Annotated[
            list[str], Field(description="model names or aliases from fiedler_list_models")
        ],
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        return data_result(await tools.set_models(models))

    @registry.tool(
        description=(
            "Save the folder runs are saved in, for this server and for the fiedler command "
            "line and app of this user (FIEDLER_OUTPUT_DIR, when set, still wins). Relative "
            "paths are relative to the server's working directory; the folder is created "
            "(0700). Empty or omitted: clear it (the default folder applies again)."
        ),
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
        ),
    )
    @_guarded
    async def fiedler_set_output(
        output_dir: Annotated[
            str | None, Field(description="the folder for saved runs; empty clears it")
        ] = None,
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        return data_result(await tools.set_output(output_dir))

    if tools.settings.mcp_key_tools:
        _key_tools(registry, tools)

    server: MCPServer = MCPServer(
        "fiedler",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
        lifespan=lifespan,
        tools=registry.tools,
    )

    @server.resource(
        "fiedler://runs/{run_id}/{model}",
        name="run_output",
        description="The whole answer of one model in a saved run.",
        mime_type="text/markdown",
    )
    async def run_output(run_id: str, model: str) -> str:
        try:
            return await tools.output(run_id, model)
        except ToolRefusal as refusal:
            raise ResourceError(refusal.message) from None

    return server


def _key_tools(registry: StrictTools, tools: FiedlerTools) -> None:
    """The tools that write keys, offered only with ``FIEDLER_MCP_KEY_TOOLS=1``."""
    writes = ToolAnnotations(
        readOnlyHint=False, destructiveHint=True, idempotentHint=True, openWorldHint=False
    )

    @registry.tool(
        description=(
            "Store a provider's API key in the OS keyring, where fiedler reads it before the "
            "environment. Refused when the server has no secure keyring (a plain-text or "
            "disabled backend) or the provider needs no key. The key is never shown back nor "
            "logged; prefer `fiedler keys set PROVIDER` in a terminal, which keeps the key out "
            "of this conversation."
        ),
        annotations=writes,
    )
    @_guarded
    async def fiedler_set_key(
        provider: ProviderName,
        key: ApiKey,
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        return data_result(await tools.set_key(provider, key))

    @registry.tool(
        description=(
            "Delete a provider's API key from the OS keyring (an environment variable holding "
            "one still applies). Refused when the server has no secure keyring."
        ),
        annotations=writes,
    )
    @_guarded
    async def fiedler_delete_key(
        provider: ProviderName,
    ) -> Annotated[CallToolResult, dict[str, Any]]:
        return data_result(await tools.delete_key(provider))
