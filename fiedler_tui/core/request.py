"""The request every provider receives: a conversation, and how its messages are composed.

A conversation is a system prompt, then an ordered list of user and assistant turns. Its stable
part comes first: the system prompt, then the file package at the head of the first user turn,
then what changes (the question, and in later turns other answers). Providers cache a prompt by
its prefix, so keeping that part byte-identical from one request to the next is what lets a
second round be billed at the cached price.

The dry run counts tokens on exactly the strings built here, and the adapters send exactly these
strings, so the preview and the wire can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fiedler_tui.core.config.reasoning import ReasoningChoice

DEFAULT_SYSTEM_PROMPT = (
    "You are a careful reviewer. The user sends a package of files, each delimited by a header "
    "that names its path, followed by a request. Answer the request about those files."
)
REQUEST_HEADING = "REQUEST\n"
"""The line between the package and the question in the first user turn. It starts with a
letter and the package ends with a newline, so the turn's token count is the package's count
plus this part's (tiktoken never joins a newline with a following letter)."""

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Turn:
    """One message of the conversation after the system prompt."""

    role: Role
    text: str


@dataclass(frozen=True)
class Conversation:
    """System prompt, the package (stable), then alternating turns starting and ending with user.

    ``parts(i)`` is the content of turn ``i`` as the pieces a provider may mark separately: for
    the first user turn with a package, ``(package, REQUEST_HEADING + question)``; otherwise the
    turn's text alone. ``content(i)`` is those pieces joined, as OpenAI and Gemini receive it.
    """

    system: str
    package_text: str
    turns: tuple[Turn, ...]

    def __post_init__(self) -> None:
        if not self.turns:
            raise ValueError("a conversation needs at least one turn")
        for index, turn in enumerate(self.turns):
            expected = "user" if index % 2 == 0 else "assistant"
            if turn.role != expected:
                raise ValueError(f"turn {index + 1} must be a {expected} turn, not {turn.role}")
        if self.turns[-1].role != "user":
            raise ValueError("a conversation must end with a user turn")

    def parts(self, index: int) -> tuple[str, ...]:
        text = self.turns[index].text
        if index == 0 and self.package_text:
            return (self.package_text, question_part(text))
        return (text,)

    def content(self, index: int) -> str:
        return "".join(self.parts(index))


def question_part(question: str) -> str:
    """What follows the package in the first user turn."""
    return REQUEST_HEADING + question


@dataclass(frozen=True)
class ReviewRequest:
    """A conversation about one package, plus an optional completion budget override.

    A single send is a conversation of one user turn (``prompt``); ``follow_up`` holds any
    later turns (assistant, user, ...), so the conversation always ends with a user turn.
    """

    prompt: str
    package_text: str = ""
    system: str = DEFAULT_SYSTEM_PROMPT
    max_completion_tokens: int | None = None
    """Overrides each model's ``max_completion_tokens`` when set."""
    temperature: float | None = None
    """Sent only to models that accept a temperature (see ``ModelSpec.accepts_temperature``)."""
    follow_up: tuple[Turn, ...] = ()
    """Turns after the first user turn: assistant, user, assistant, ..., ending with user."""
    reasoning: ReasoningChoice = field(default_factory=ReasoningChoice)
    """Overrides each model's reasoning effort and thinking budget where it takes them."""

    def __post_init__(self) -> None:
        self.conversation  # noqa: B018 - validates the turn order at construction

    @property
    def conversation(self) -> Conversation:
        return Conversation(
            self.system, self.package_text, (Turn("user", self.prompt), *self.follow_up)
        )

    @property
    def user_message(self) -> str:
        """The first user turn as sent: the package (if any), then the question."""
        return compose_user_message(self.prompt, self.package_text)


def compose_user_message(prompt: str, package_text: str) -> str:
    """The package, then ``REQUEST`` and the prompt; no package means the prompt alone."""
    if not package_text:
        return prompt
    return package_text + question_part(prompt)
