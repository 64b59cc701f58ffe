"""What defines each tiktoken encoding: file URL, published sha256, split pattern, special tokens.

The values are taken from tiktoken's own ``tiktoken_ext.openai_public`` without running its
loaders: each constructor is called through a copy whose ``load_tiktoken_bpe`` only records the URL
and expected hash it was given, so nothing is downloaded. If that module's shape ever changes, the
copies of cl100k_base and o200k_base below (tiktoken 0.14.0) are used instead.
"""

from __future__ import annotations

import functools
import importlib
import types
from dataclasses import dataclass
from typing import Any

O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_BLOB = "https://openaipublic.blob.core.windows.net/encodings/"


@dataclass(frozen=True)
class EncodingSpec:
    """Everything needed to build a ``tiktoken.Encoding`` from a verified ``.tiktoken`` file."""

    name: str
    url: str
    sha256: str
    pat_str: str
    special_tokens: dict[str, int]
    explicit_n_vocab: int | None
    source: str
    """``tiktoken_ext`` when read from tiktoken, ``built-in copy`` otherwise."""

    @property
    def file_name(self) -> str:
        return f"{self.name}.tiktoken"


FALLBACK_SPECS: dict[str, EncodingSpec] = {
    "cl100k_base": EncodingSpec(
        "cl100k_base",
        _BLOB + "cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        CL100K_PATTERN,
        {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
        None,
        "built-in copy",
    ),
    "o200k_base": EncodingSpec(
        "o200k_base",
        _BLOB + "o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        O200K_PATTERN,
        {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
        None,
        "built-in copy",
    ),
}


class _NoDownload(Exception):
    pass


def _from_tiktoken(name: str) -> EncodingSpec | None:
    """The spec as tiktoken_ext defines it, read without loading (or downloading) any file."""
    try:
        openai_public = importlib.import_module("tiktoken_ext.openai_public")
    except ImportError:
        return None
    recorded: list[tuple[str, str | None]] = []

    def record(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
        recorded.append((blobpath, expected_hash))
        return {}

    def refuse(*args: Any, **kwargs: Any) -> dict[bytes, int]:
        raise _NoDownload

    constructors: dict[str, Any] = getattr(openai_public, "ENCODING_CONSTRUCTORS", {})
    if name not in constructors:
        return None
    sandbox: dict[str, Any] = dict(vars(openai_public))
    sandbox["load_tiktoken_bpe"] = record
    sandbox["data_gym_to_mergeable_bpe_ranks"] = refuse
    for key, function in constructors.items():
        if isinstance(function, types.FunctionType):
            sandbox[function.__name__] = types.FunctionType(
                function.__code__, sandbox, function.__name__, function.__defaults__
            )
            sandbox[key] = sandbox[function.__name__]
    try:
        params = sandbox[name]()
    except _NoDownload:
        return None
    except Exception:  # an unexpected shape of tiktoken_ext: use the built-in copy
        return None
    if len(recorded) != 1 or recorded[0][1] is None:
        return None
    url, sha256 = recorded[0]
    return EncodingSpec(
        name=name,
        url=url,
        sha256=str(sha256),
        pat_str=str(params["pat_str"]),
        special_tokens=dict(params["special_tokens"]),
        explicit_n_vocab=params.get("explicit_n_vocab"),
        source="tiktoken_ext",
    )


@functools.cache
def encoding_spec(name: str) -> EncodingSpec | None:
    """The spec of encoding ``name`` (tiktoken's own first), or None for an unknown name."""
    return _from_tiktoken(name) or FALLBACK_SPECS.get(name)
