"""fiedler_dry_run judges tokens-per-minute limits as the CLI does: a model whose one request
exceeds its provider's limit is a blocker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.keys import KeyStore, ResolvedKey
from fiedler_tui.core.mcp_tools.arguments import ToolArguments
from fiedler_tui.core.mcp_tools.service import FiedlerTools, McpOptions
from fiedler_tui.core.settings import Settings


@dataclass
class StaticSources:
    config: Config
    keystore: KeyStore

    def resolve_keys(self) -> dict[str, ResolvedKey]:
        return self.keystore.resolve_all(self.config)


async def test_dry_run_tool_reports_a_request_above_the_limit(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def main():\n    return 42\n" * 100)
    packaged = load_config(None, {})
    openai = packaged.providers["openai"].model_copy(update={"tokens_per_minute": 100})
    config = packaged.model_copy(update={"providers": {**packaged.providers, "openai": openai}})
    sources = StaticSources(config, KeyStore(env={"OPENAI_API_KEY": "sk-test-mcp"}))
    tools = FiedlerTools(Settings(allowed_roots=(tmp_path,)), sources, McpOptions(roots_set=True))
    try:
        data = await tools.dry_run(
            ToolArguments(prompt="Review.", files=(str(tmp_path / "app.py"),), models=("gpt-5",))
        )
    finally:
        tools.close()
    assert data["sendable"] is False
    [detail] = [b for b in data["blocker_details"] if b["kind"] == "rate-limit"]
    assert detail["message"].startswith(
        "gpt-5 can never be accepted at this limit (100 tokens per minute"
    )
