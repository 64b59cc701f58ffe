"""The one request shape every provider receives, and how its messages are composed.

The dry run counts tokens on exactly the strings built here, and the adapters send exactly these
strings, so the preview and the wire can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SYSTEM_PROMPT = (
    "You are a careful reviewer. The user sends a request followed by a package of files, each "
    "delimited by a header that names its path. Answer the request about those files."
)


@dataclass(frozen=True)
class ReviewRequest:
    """System prompt, user prompt and file package, plus an optional completion budget override."""

    prompt: str
    package_text: str = ""
    system: str = DEFAULT_SYSTEM_PROMPT
    max_completion_tokens: int | None = None
    """Overrides each model's ``max_completion_tokens`` when set."""
    temperature: float | None = None
    """Sent only to models that accept a temperature (see ``ModelSpec.accepts_temperature``)."""

    @property
    def user_message(self) -> str:
        """The single user message: the prompt, then the package (if any)."""
        return compose_user_message(self.prompt, self.package_text)


def compose_user_message(prompt: str, package_text: str) -> str:
    """Prompt first, then a blank line and the package; no package means the prompt alone."""
    if not package_text:
        return prompt
    return f"{prompt.rstrip()}\n\n{package_text}"
