"""Small text helpers shared by extraction and segmentation."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK = re.compile(r"\n[ \t\u00a0]*\n")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_HAS_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")  # _WS's characters but the plain space


def clean_line(text: str) -> str:
    """NFC, zero-width characters dropped, runs of spaces folded, ends stripped."""
    if text.isascii():
        return " ".join(text.split()) if ("  " in text or "\t" in text) else text.strip()
    text = unicodedata.normalize("NFC", text)
    # (each step only where it changes something: most lines have no zero-width character
    # and no space but single plain ones)
    if _HAS_ZERO_WIDTH.search(text):
        text = text.translate(_ZERO_WIDTH)
    if "  " in text or _ODD_SPACE.search(text):
        text = _WS.sub(" ", text)
    return text.strip()


def split_blocks(text: str) -> list[list[str]]:
    """Paragraphs of plain text as lists of their cleaned lines: blank-line separated
    when the text has blank lines, one per line otherwise."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = _BLANK.split(text) if _BLANK.search(text) else text.split("\n")
    blocks = []
    for chunk in chunks:
        lines = [clean_line(line) for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append(lines)
    return blocks


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text (see split_blocks); lines inside one are joined by a space."""
    return [" ".join(lines) for lines in split_blocks(text)]


_NOT_SPACE_WS = re.compile(r"[^\S ]")  # white space other than the plain space


def normalize_for_hash(text: str) -> str:
    """The form two bodies must share to count as the same body: NFKC, white space runs folded."""
    text = unicodedata.normalize("NFKC", text)
    # a body is paragraphs of single-spaced text joined by blank lines: then folding is one replace
    folded = text.replace("\n\n", " ")
    # (isprintable, in C, rules out every white space but the plain space; the regex scan is 6x slower)
    if "  " not in folded and (folded.isprintable() or not _NOT_SPACE_WS.search(folded)) \
            and folded[:1] != " " and folded[-1:] != " ":
        return folded
    return " ".join(text.split())
