"""Finding input files, reading their bytes safely, and decoding them to text."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import re
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import DecodeError, EmptyInputError, FormatError, TooLargeError

#: suffix (after an optional compression suffix) -> reader format
FORMATS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
    ".warc": "warc", ".arc": "warc",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".parquet": "parquet", ".pq": "parquet",
}

#: compression suffix -> the compression's name (news dumps come as .jsonl.gz, .json.bz2,
#: .warc.xz or .jsonl.zst); every reader reads them decompressed as a stream
COMPRESSIONS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}


def format_of(path: Path) -> str | None:
    """The reader format of a path from its suffixes (``a.jsonl.gz`` -> ``jsonl``)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
    return FORMATS.get(suffixes[-1]) if suffixes else None


def compression_of(path: Path) -> str | None:
    """The compression a path's last suffix names (``gzip``, ``bzip2``, ``xz``, ``zstd``), or None."""
    return COMPRESSIONS.get(path.suffix.lower())


def stem_of(path: Path) -> str:
    """A file's name without its compression and format suffixes (``ap-2012.jsonl.zst`` -> ``ap-2012``)."""
    name = path.name
    if compression_of(path):
        name = name[: -len(path.suffix)]
    return Path(name).stem


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes as a stream, decompressed as its suffix says (see ``COMPRESSIONS``)."""
    kind = compression_of(path)
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "bzip2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.open(path, "rb")  # type: ignore[return-value]
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(open(path, "rb")), buffer_size=1 << 16)
    return open(path, "rb")


class _ZstdReader(io.RawIOBase):
    """A zstd stream decompressed frame by frame, that fails at a file cut inside a frame.

    (zstandard's own ``stream_reader`` ends quietly there, so a dump cut off in transfer would
    look whole, its last record cut in the middle.) The input is fed ``_SLICE`` bytes at a
    time, so that what one call decompresses stays small (zstd packs megabytes of a repeated
    byte into a few bytes); the output before a corrupt spot is given out before its error.
    Windows up to 2 GB are read (``zstd --long=31`` dumps)."""

    _SLICE = 1024
    _CHUNK = 1 << 16

    def __init__(self, raw: BinaryIO):
        import zstandard

        self._raw = raw
        self._zstd = zstandard.ZstdDecompressor(max_window_size=1 << 31)
        self._frame = None  # the decompressor of the current frame
        self._in = b""      # compressed bytes read and not yet fed
        self._out = b""
        self._at = 0
        self._done = False
        self._error: BaseException | None = None  # raised once the output before it is read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while self._at >= len(self._out) and not self._done:
            if self._error is not None:
                error, self._error = self._error, None
                self._done = True
                raise error
            if not self._in:
                self._in = self._raw.read(self._CHUNK)
                if not self._in:
                    self._done = True
                    if self._frame is not None and not self._frame.eof:
                        raise EOFError("the data ends inside a zstd frame")
                    break
            data, self._in = self._in[:self._SLICE], self._in[self._SLICE:]
            self._out, self._at = self._decompress(data), 0
        n = min(len(buffer), len(self._out) - self._at)
        buffer[:n] = self._out[self._at:self._at + n]
        self._at += n
        return n

    def _decompress(self, data: bytes) -> bytes:
        out = []
        try:
            while data:
                if self._frame is None or self._frame.eof:
                    self._frame = self._zstd.decompressobj()
                out.append(self._frame.decompress(data))
                data = self._frame.unused_data if self._frame.eof else b""  # the next frame's start
        except Exception as exc:  # zstandard.ZstdError: corrupt data, or a window over 2 GB
            self._error = exc
        return b"".join(out)

    def close(self) -> None:
        self._raw.close()
        super().close()


def decompress_errors() -> tuple[type[BaseException], ...]:
    """What a decompressing stream raises on a truncated or corrupt file: EOFError (a stream cut
    short, every kind), zlib.error, lzma.LZMAError, OSError (gzip's BadGzipFile, bzip2's "Invalid
    data stream") and zstandard's ZstdError."""
    import zstandard

    return (EOFError, zlib.error, lzma.LZMAError, OSError, zstandard.ZstdError)


def decompress_message(path: Path, exc: BaseException) -> str:
    """What is wrong with a compressed file, from the error its stream raised."""
    kind = compression_of(path)
    if kind is None or (isinstance(exc, OSError) and exc.errno is not None):  # the file itself: missing, no access
        return f"cannot read file: {getattr(exc, 'strerror', None) or exc}"
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a gzip file although it ends in .gz ({exc})"
    return f"truncated or corrupt {kind} data ({exc})"


def walk(path: Path) -> Iterator[tuple[Path, str | None]]:
    """Files under ``path`` (recursive, sorted, hidden ones skipped) with their format.

    Files of unknown format inside a directory yield ``None`` as their format so the
    caller can count them as skipped; an explicitly named file is always read."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path)
            if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                continue
            yield child, format_of(child)
    else:
        yield path, format_of(path) or "text"


def read_limited(stream: BinaryIO, limit: int, *, what: str) -> bytes:
    """Read at most ``limit`` bytes, raising TooLargeError when there is more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(f"{what} is larger than the limit of {limit:,} bytes (ingest.max_file_bytes)")
    return data


def read_bytes(path: Path, limit: int) -> bytes:
    """A file's bytes, decompressed if its suffix names a compression, within ``limit``."""
    try:
        if compression_of(path):
            with open_binary(path) as fh:
                data = read_limited(fh, limit, what="decompressed file")
        else:
            if path.stat().st_size > limit:
                raise TooLargeError(
                    f"file is {path.stat().st_size:,} bytes, over the limit of {limit:,} (ingest.max_file_bytes)"
                )
            data = path.read_bytes()
    except decompress_errors() as exc:
        raise FormatError(decompress_message(path, exc)) from exc
    if not data.strip():
        raise EmptyInputError("empty file")
    return data


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)


def declared_encoding(data: bytes) -> str | None:
    """The encoding the bytes declare: a BOM, an HTML meta charset or an XML declaration."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        try:
            return codecs.lookup(name).name
        except LookupError:
            return None
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters near the start (and no UTF-16/32 BOM)."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(8, len(head) // 100)


def decode(data: bytes) -> str:
    """Decode bytes: the declared encoding, then UTF-8, then cp1252 when the bytes read
    as Western European text (see _as_western), then the detected one.

    Among detected encodings a Western one (cp1252) wins a tie, since it is by far
    the most common non-UTF-8 encoding of English news pages."""
    if looks_binary(data):
        raise FormatError("binary data, not text")
    declared = declared_encoding(data)
    tried = []
    for enc in (declared, "utf-8"):
        if enc and enc not in tried:
            tried.append(enc)
            try:
                return data.decode(enc)
            except (UnicodeDecodeError, LookupError):
                continue
    western = _as_western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise DecodeError(
            "cannot decode the bytes: not " + ", ".join(tried) + ", and no encoding could be detected"
        )
    chosen = best
    for m in matches:
        if m.encoding in ("cp1252", "latin_1", "iso8859_15") and m.chaos <= best.chaos + 0.02:
            chosen = m
            break
    return str(chosen)


#: the non-ASCII characters of Western European text in cp1252: Latin-1 letters, the
#: letters and typographic punctuation of cp1252's 0x80-0x9F range, common symbols
_WESTERN_LETTERS = "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŒœŠšŽžŸƒ"
_NOT_WESTERN = re.compile("[^\x00-\x7f" + _WESTERN_LETTERS + "‘’‚“”„–—…•€™†‡‰‹›«»°£¥¢§©®¡¿·½¼¾±×÷²³ºªµ\xa0]")
_ACCENTED = re.compile(f"[{_WESTERN_LETTERS}]")
_ACCENTED_RUN = re.compile(f"[{_WESTERN_LETTERS}]{{3}}")


def _as_western(data: bytes) -> str | None:
    """The bytes as cp1252 when they read as Western European text, else None.

    Charset detection alone misreads short French/Spanish/German cp1252 text (it
    picked cp1257 for "très" -> "trčs", by a chaos margin far over the tie allowance
    below). Western text is told apart by its shape: every non-ASCII character is a
    Latin-1 letter or cp1252 punctuation, and accented letters sit among ASCII letters
    ("café"), never three in a row, as Cyrillic or Greek read through cp1252 would."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if _NOT_WESTERN.search(text) or _ACCENTED_RUN.search(text) or not _ACCENTED.search(text):
        return None
    return text

