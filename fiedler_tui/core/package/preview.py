"""The previewed package: its exact text plus a fingerprint of every file it was built from."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.files.reading import count_lines
from fiedler_tui.core.files.selected import SelectedFile
from fiedler_tui.core.package.format import file_footer, file_header, preamble
from fiedler_tui.core.request import ReviewRequest


@dataclass(frozen=True)
class PackagedFile:
    """One file of a preview: where it is and the fingerprint of the bytes read from it."""

    path: str
    real: str
    size: int
    mtime_ns: int
    sha256: str
    """sha256 of the file's bytes on disk when previewed."""
    lines: int
    masked: int = 0


@dataclass(frozen=True)
class PackageBlock:
    """A file's block in the package, as text pieces (joined once, for the whole package)."""

    file: SelectedFile
    header: str
    content: str
    footer: str
    masked: int
    bytes: int
    """UTF-8 length of header, content and footer together."""
    fingerprint: PackagedFile


def make_block(file: SelectedFile, content: str | None = None, masked: int = 0) -> PackageBlock:
    """The block of ``file``; ``content`` replaces its text (e.g. masked), ``masked`` counts."""
    text = file.text if content is None else content
    size = file.size if content is None else len(text.encode("utf-8"))
    lines = file.lines if content is None else count_lines(text)
    header = file_header(file.path, size, lines, masked)
    footer = file_footer(file.path)
    total = len(header.encode("utf-8")) + size + len(footer.encode("utf-8"))
    fingerprint = PackagedFile(
        file.path, file.real, file.size, file.mtime_ns, file.sha256, file.lines, masked
    )
    return PackageBlock(file, header, text, footer, masked, total, fingerprint)


@dataclass(frozen=True)
class Preview:
    """Exactly what will be sent as the package, and the files it came from.

    The text is joined from the blocks held here (never re-read from disk) on first use, so a
    re-preview that only needs counts does not pay for it. Send ``text``, and only after
    ``verify_unchanged`` reports nothing: the bytes previewed are the bytes sent.
    """

    files: tuple[PackagedFile, ...]
    blocks: tuple[PackageBlock, ...] = field(repr=False)
    bytes: int
    """Length of ``text`` as UTF-8."""
    lines: int
    """Lines of all files' content."""

    @cached_property
    def text(self) -> str:
        """The package text (the empty string when there are no files)."""
        if not self.blocks:
            return ""
        pieces = [preamble(len(self.blocks))]
        for block in self.blocks:
            pieces.extend((block.header, block.content, block.footer))
        return "".join(pieces)

    @cached_property
    def sha256(self) -> str:
        """sha256 of ``text`` as UTF-8, hashed block by block: the dry run's JSON needs the
        digest, not the text, and one joined str of a large package can take four bytes a
        character (a single non-BMP character widens all of it)."""
        if "text" in self.__dict__:
            return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        digest = hashlib.sha256()
        if self.blocks:
            digest.update(preamble(len(self.blocks)).encode("utf-8"))
        for block in self.blocks:
            for piece in (block.header, block.content, block.footer):
                digest.update(piece.encode("utf-8"))
        return digest.hexdigest()

    @property
    def preamble(self) -> str:
        return preamble(len(self.blocks)) if self.blocks else ""

    def request(
        self,
        prompt: str,
        system: str,
        max_completion_tokens: int | None = None,
        temperature: float | None = None,
        *,
        reasoning: ReasoningChoice | None = None,
    ) -> ReviewRequest:
        """The request carrying this package."""
        return ReviewRequest(
            prompt=prompt,
            package_text=self.text,
            system=system,
            max_completion_tokens=max_completion_tokens,
            temperature=temperature,
            reasoning=reasoning or ReasoningChoice(),
        )


def build_preview(blocks: Sequence[PackageBlock]) -> Preview:
    """The preview of ``blocks`` (already in package order)."""
    files = tuple(b.fingerprint for b in blocks)
    size = len(preamble(len(blocks)).encode()) + sum(b.bytes for b in blocks) if blocks else 0
    return Preview(files, tuple(blocks), size, sum(b.file.lines for b in blocks))
