"""Which adapter speaks which provider kind."""

from __future__ import annotations

from fiedler_tui.core.config.schema import ProviderKind
from fiedler_tui.core.providers.anthropic import AnthropicAdapter
from fiedler_tui.core.providers.base import Adapter
from fiedler_tui.core.providers.gemini import GeminiAdapter
from fiedler_tui.core.providers.openai import OpenAIChatAdapter

_ADAPTERS: dict[ProviderKind, Adapter] = {
    ProviderKind.OPENAI: OpenAIChatAdapter(ProviderKind.OPENAI),
    ProviderKind.OPENAI_COMPATIBLE: OpenAIChatAdapter(ProviderKind.OPENAI_COMPATIBLE),
    ProviderKind.ANTHROPIC: AnthropicAdapter(),
    ProviderKind.GEMINI: GeminiAdapter(),
}


def adapter_for(kind: ProviderKind) -> Adapter:
    """The (stateless, shared) adapter for ``kind``."""
    return _ADAPTERS[kind]
