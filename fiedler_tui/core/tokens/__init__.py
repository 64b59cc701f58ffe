"""Token counting: offline tiktoken encodings, labelled counting methods, a parallel cache."""

from fiedler_tui.core.tokens.counter import TokenCounter
from fiedler_tui.core.tokens.encodings import (
    EncodingStatus,
    LoadedEncoding,
    encoding_status,
    load_encoding,
)
from fiedler_tui.core.tokens.methods import (
    ApiTokenCounter,
    CountMethod,
    CountPlan,
    encoding_of,
    message_overhead,
    plan_for,
)
from fiedler_tui.core.tokens.tokenizers import HeuristicTokenizer, TiktokenTokenizer, Tokenizer

__all__ = [
    "ApiTokenCounter",
    "CountMethod",
    "CountPlan",
    "EncodingStatus",
    "HeuristicTokenizer",
    "LoadedEncoding",
    "TiktokenTokenizer",
    "TokenCounter",
    "Tokenizer",
    "encoding_of",
    "encoding_status",
    "load_encoding",
    "message_overhead",
    "plan_for",
]
