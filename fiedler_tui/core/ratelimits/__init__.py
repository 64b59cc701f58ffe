"""Rate limits known before sending: announced in headers, learned per provider and key, and
judged against each request in the dry run and the runner's pacing."""

from fiedler_tui.core.ratelimits.display import (
    describe_age,
    describe_learned,
    describe_limits,
    known_limits,
    provider_limits_text,
)
from fiedler_tui.core.ratelimits.headers import ObservedLimits, parse_limit_headers
from fiedler_tui.core.ratelimits.preflight import TokenLimit, provider_token_limits, token_limits
from fiedler_tui.core.ratelimits.store import (
    LearnedEntry,
    LearnedLimitsStore,
    key_fingerprint,
    learned_limits_path,
)

__all__ = [
    "LearnedEntry",
    "LearnedLimitsStore",
    "ObservedLimits",
    "TokenLimit",
    "describe_age",
    "describe_learned",
    "describe_limits",
    "key_fingerprint",
    "known_limits",
    "learned_limits_path",
    "parse_limit_headers",
    "provider_limits_text",
    "provider_token_limits",
    "token_limits",
]
