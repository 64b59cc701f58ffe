"""The private parts of Textual, httpx2 and tiktoken that the app relies on, named and checked.

Textual is pinned and httpx2 held to one major version (pyproject.toml) partly because the app
reaches into a few of their private attributes. Each such hook is listed in :data:`HOOKS` with
where the app uses it and a check that it is still there and still does what the app assumes,
so an upgrade that changes one fails here, naming the hook, instead of breaking the app at run
time. The scan at the end fails when the app uses a private name of these libraries (or of Rich,
httpcore2 and tiktoken) that is not listed, or no longer uses one that is, so the list stays
complete.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import importlib
import importlib.metadata
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
import tiktoken
from textual.app import App, ComposeResult
from textual.message import Message
from textual.message_pump import MessagePump
from textual.scroll_view import ScrollView
from textual.widget import Widget

import fiedler_tui

ROOT = Path(fiedler_tui.__file__).resolve().parent.parent
PACKAGE = ROOT / "fiedler_tui"
LIBRARIES = frozenset({"textual", "httpx2", "httpcore2", "rich", "tiktoken"})
"""Top-level packages whose private names count as hooks."""


@dataclass(frozen=True)
class Hook:
    library: str
    """The distribution whose version the failure names."""
    owner: str
    """Where the private name lives: a class or a module."""
    name: str
    """The private name, as the app's code spells it."""
    used_in: str
    """The app's file that uses it (relative to the repository)."""
    use: str
    """How the app uses it."""
    adapt: str
    """What to change in the app if it goes."""
    check: Callable[[], bool]
    """True while the hook is there and means what the app assumes."""


# ---- reading the libraries' code ---------------------------------------------------------------


def _function_ast(function: Any) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(function)))


def _self_attributes(function: Any, *, stored: bool = False) -> set[str]:
    """Attributes of ``self`` that ``function`` reads (or, with ``stored``, assigns)."""
    names = set()
    for node in ast.walk(_function_ast(function)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and isinstance(node.ctx, ast.Store) == stored
        ):
            names.add(node.attr)
    return names


def _methods(cls: type) -> Iterator[tuple[str, Any]]:
    for name, value in vars(cls).items():
        function = value.fget if isinstance(value, property) else value
        function = getattr(function, "__func__", function)
        if inspect.isfunction(function):
            yield name, function


def _takes(function: Any, *parameters: str) -> bool:
    return list(inspect.signature(function).parameters) == ["self", *parameters]


# ---- the checks --------------------------------------------------------------------------------


def _transport_keeps_everything_in_its_pool() -> bool:
    """httpx's transport builds its connection pool in ``__init__`` as ``self._pool`` and its
    request and close methods use nothing else of its own, so a subclass may build ``_pool``
    itself (on the asyncio network backend) without calling httpx's constructor."""
    transport = httpx2.AsyncHTTPTransport
    if "_pool" not in _self_attributes(transport.__init__, stored=True):
        return False
    used = set()
    for name in ("handle_async_request", "aclose", "__aenter__", "__aexit__"):
        method = getattr(transport, name)
        used |= _self_attributes(method) | _self_attributes(method, stored=True)
    return used == {"_pool"}


def _app_reports_errors_through_fatal_error() -> bool:
    handle = App._handle_exception
    return (
        "_fatal_error" in _self_attributes(handle)
        and _takes(App._fatal_error)
        and "_exception" in _self_attributes(handle, stored=True)
    )


def _app_keeps_exception() -> bool:
    return "_exception" in _self_attributes(App.__init__, stored=True) and (
        "_exception" in _self_attributes(App._handle_exception)
    )


def _app_prints_exit_renderables() -> bool:
    if "_exit_renderables" not in _self_attributes(App.__init__, stored=True):
        return False
    readers = [
        name
        for name, function in _methods(App)
        if name not in ("__init__", "_fatal_error")
        and "_exit_renderables" in _self_attributes(function)
    ]
    return bool(readers)


def _app_can_close_messages_without_waiting() -> bool:
    return _takes(App._close_messages_no_wait)


def _scroll_update_follows_a_virtual_size_change() -> bool:
    callers = [
        name
        for cls in (ScrollView, Widget)
        for name, function in _methods(cls)
        if "_scroll_update" in _self_attributes(function)
    ]
    return _takes(Widget._scroll_update, "virtual_size") and bool(callers)


def _private_handlers_are_dispatched() -> bool:
    """Textual calls ``_on_<message>`` like ``on_<message>`` (its handler naming convention)."""

    class Ping(Message):
        pass

    class Catcher(Widget):
        caught = False

        def _on_ping(self, message: Ping) -> None:
            Catcher.caught = True

    class Probe(App[None]):
        def compose(self) -> ComposeResult:
            yield Catcher()

    async def run() -> None:
        async with Probe().run_test() as pilot:
            pilot.app.query_one(Catcher).post_message(Ping())
            await pilot.pause()

    asyncio.run(run())
    return Catcher.caught


def _tiktoken_has_a_buffer_encoder() -> bool:
    ranks = {bytes([i]): i for i in range(256)}
    encoding = tiktoken.Encoding(
        "probe", pat_str=r"\S+|\s+", mergeable_ranks=ranks, special_tokens={}
    )
    encode = getattr(getattr(encoding, "_core_bpe", None), "encode_to_tiktoken_buffer", None)
    if not callable(encode):
        return False
    ids = memoryview(encode("abc de", frozenset()))
    return ids.nbytes // ids.itemsize == len(encoding.encode_ordinary("abc de"))


APP = "fiedler_tui/tui/app.py"
HOOKS = [
    Hook(
        "httpx2",
        "httpx2.AsyncHTTPTransport",
        "_pool",
        "fiedler_tui/core/http.py",
        "StreamingTransport sets the pool (on fiedler_tui.core.net's asyncio backend)",
        "give StreamingTransport its own handle_async_request/aclose over its pool",
        _transport_keeps_everything_in_its_pool,
    ),
    Hook(
        "textual",
        "textual.app.App",
        "_fatal_error",
        APP,
        "FiedlerApp overrides it to log the traceback and end with one line",
        "catch unexpected errors another way (e.g. App._handle_exception's replacement)",
        _app_reports_errors_through_fatal_error,
    ),
    Hook(
        "textual",
        "textual.app.App",
        "_exception",
        APP,
        "FiedlerApp._fatal_error reads the error being reported",
        "find where the new version keeps the unhandled exception",
        _app_keeps_exception,
    ),
    Hook(
        "textual",
        "textual.app.App",
        "_exit_renderables",
        APP,
        "FiedlerApp._fatal_error appends the one-line message printed at exit",
        "print the one-line message after App.run returns instead",
        _app_prints_exit_renderables,
    ),
    Hook(
        "textual",
        "textual.app.App",
        "_close_messages_no_wait",
        APP,
        "FiedlerApp._fatal_error ends the app as Textual's own _fatal_error does",
        "end the app the way the new _fatal_error does",
        _app_can_close_messages_without_waiting,
    ),
    Hook(
        "textual",
        "textual.widget.Widget",
        "_scroll_update",
        "fiedler_tui/tui/widgets/run_text.py",
        "RunText._grow updates the scrollbars after a quiet virtual_size change",
        "set virtual_size normally (a full layout per growth) or use the new equivalent",
        _scroll_update_follows_a_virtual_size_change,
    ),
    Hook(
        "textual",
        "textual.message_pump.MessagePump",
        "_on_tree_node_expanded",
        "fiedler_tui/tui/widgets/file_picker.py",
        "FilePicker's handler is named with the private _on_ prefix Textual dispatches",
        "rename it on_tree_node_expanded (or use @on)",
        _private_handlers_are_dispatched,
    ),
    Hook(
        "tiktoken",
        "tiktoken.Encoding",
        "_core_bpe",
        "fiedler_tui/core/tokens/tokenizers.py",
        "counts through _core_bpe.encode_to_tiktoken_buffer (falls back to encode_ordinary)",
        "expect counting about a sixth slower, or find the new buffer encoder",
        _tiktoken_has_a_buffer_encoder,
    ),
]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: f"{h.owner}.{h.name}")
def test_each_private_hook_is_still_there(hook: Hook) -> None:
    version = importlib.metadata.version(hook.library)
    try:
        kept, detail = hook.check(), ""
    except Exception as exc:  # a name the check looks at is gone
        kept, detail = False, f" [{type(exc).__name__}: {exc}]"
    assert kept, (
        f"{hook.library} {version} hook {hook.owner}.{hook.name} used by {hook.used_in} "
        f"({hook.use}) is gone or changed{detail}: {hook.adapt} before upgrading"
    )


# ---- the scan: every private name of those libraries the app uses is listed ------------------


NAMED_TUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_field_defaults", "_make"})
"""A named tuple's documented public methods, underscored so as not to clash with field names."""


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in NAMED_TUPLE_API


def _library_of(cls: type) -> str | None:
    for _, function in _methods(cls):
        module = inspect.getmodule(function)
        if module is not None:
            return module.__name__.split(".")[0]
    return cls.__module__.split(".")[0]


@functools.cache
def _source_lines(path: str) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()


_SELF_PRIVATE = re.compile(r"\bself\.(_[A-Za-z]\w*)")


@functools.cache
def _library_private_names(cls: type) -> frozenset[str]:
    """Private names a library class defines or keeps on ``self`` (read from its source: the
    lines of its ``class`` statement, found in the files its methods come from)."""
    names = {name for name in vars(cls) if _is_private(name)}
    files = {function.__code__.co_filename for _, function in _methods(cls)}
    header = re.compile(rf"^(\s*)class {re.escape(cls.__name__)}\b")
    for file in files:
        lines = _source_lines(file)
        for number, line in enumerate(lines):
            match = header.match(line)
            if match is None:
                continue
            indent = len(match.group(1))
            body = []
            for inner in lines[number + 1 :]:
                stripped = inner.strip()
                if stripped and len(inner) - len(inner.lstrip()) <= indent:
                    break
                body.append(inner)
            names.update(_SELF_PRIVATE.findall("\n".join(body)))
    return frozenset(n for n in names if _is_private(n))


def _classes(tree: ast.Module) -> Iterator[tuple[str, ast.ClassDef]]:
    """Every class statement with its qualified name (classes inside classes included)."""

    def walk(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, ast.ClassDef]]:
        for node in body:
            if isinstance(node, ast.ClassDef):
                yield prefix + node.name, node
                yield from walk(node.body, f"{prefix}{node.name}.")

    yield from walk(tree.body, "")


def _resolve(module: Any, qualname: str) -> Any:
    value = module
    for part in qualname.split("."):
        value = getattr(value, part, None)
    return value


def _own_private_names(node: ast.ClassDef) -> set[str]:
    """Private names a class of the app uses on itself: self/cls/super() attributes, methods
    and class attributes."""
    names = set()
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute) and (
            (isinstance(inner.value, ast.Name) and inner.value.id in ("self", "cls"))
            or (isinstance(inner.value, ast.Call) and ast.unparse(inner.value.func) == "super")
        ):
            names.add(inner.attr)
    return {name for name in names if _is_private(name)}


def _handler_names() -> set[str]:
    """Handler names of every message class loaded (``on_<message>``), but the base Event's:
    Textual never posts that class itself."""
    from textual.events import Event

    found: set[str] = set()
    todo = [Message]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is not Event and isinstance(getattr(cls, "handler_name", None), str):
            found.add(cls.handler_name)
    return found


def _app_modules() -> Iterator[tuple[str, Any, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if path.name == "__main__.py":
            continue
        name = relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        yield relative, importlib.import_module(name), ast.parse(path.read_text(encoding="utf-8"))


def _private_uses() -> dict[tuple[str, str], str]:
    """``(file, private name) -> what was seen`` for every use of a library's private name."""
    modules = list(_app_modules())
    handlers = _handler_names()
    uses: dict[tuple[str, str], str] = {}
    for relative, module, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] in LIBRARIES and any(_is_private(p) for p in parts):
                    uses[relative, node.module] = f"line {node.lineno}: imports a private module"
                for alias in node.names:
                    if parts[0] in LIBRARIES and _is_private(alias.name):
                        uses[relative, alias.name] = f"line {node.lineno}: imports a private name"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] in LIBRARIES and any(_is_private(p) for p in parts):
                        uses[relative, alias.name] = f"line {node.lineno}: imports a private module"
            elif isinstance(node, ast.Attribute) and _is_private(node.attr):
                value = node.value
                is_self = isinstance(value, ast.Name) and value.id in ("self", "cls")
                is_super = isinstance(value, ast.Call) and ast.unparse(value.func) == "super"
                if not (is_self or is_super):  # another object's private attribute
                    uses[relative, node.attr] = f"line {node.lineno}: {ast.unparse(node)}"
            elif (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in ("getattr", "setattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
                and _is_private(node.args[1].value)
            ):
                uses[relative, node.args[1].value] = f"line {node.lineno}: {ast.unparse(node)}"
        for qualname, class_node in _classes(tree):
            cls = _resolve(module, qualname)
            if not isinstance(cls, type):
                continue
            bases = [b for b in cls.__mro__[1:] if _library_of(b) in LIBRARIES]
            if not bases:
                continue
            library_names = frozenset().union(*(_library_private_names(b) for b in bases))
            for name in sorted(_own_private_names(class_node)):
                if name in library_names:
                    uses[relative, name] = f"{qualname} uses {bases[0].__qualname__}'s {name}"
                elif (
                    issubclass(cls, MessagePump)
                    and name.startswith("_on_")
                    and name[1:] in handlers
                ):
                    uses[relative, name] = f"{qualname}.{name} is a private-prefixed handler"
    return uses


def test_every_private_hook_in_use_is_listed_and_every_listed_one_is_used() -> None:
    uses = _private_uses()
    listed = {(hook.used_in, hook.name) for hook in HOOKS}
    unlisted = [
        f"{file}: {name} ({seen})"
        for (file, name), seen in uses.items()
        if (file, name) not in listed
    ]
    assert not unlisted, (
        "the app uses private names of "
        + ", ".join(sorted(LIBRARIES))
        + " that are not listed in HOOKS (list each with a check, or use a public API):\n"
        + "\n".join(unlisted)
    )
    stale = sorted(f"{file}: {name}" for file, name in listed - set(uses))
    assert not stale, "HOOKS lists private names the app no longer uses:\n" + "\n".join(stale)
