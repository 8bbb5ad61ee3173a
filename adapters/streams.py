"""Byte-level plumbing shared by all adapters: peeking, decompression, limits, encodings.

Raw objects arrive as forward-only streams (an S3 body, a gzip member), so anything that
must look ahead (format and encoding detection, header parsing) peeks at a head and then
replays it. Decompression is guarded by size and ratio limits, so a hostile archive stops
with a clear error instead of filling the disk.
"""

from __future__ import annotations

import bz2
import codecs
import fnmatch
import gzip
import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import zstandard

from adapters.base import AdapterError, AdapterOptions

_CHUNK = 1 << 16
_SAMPLE = 1 << 16
_SPOOL_IN_MEMORY = 64 << 20
# Ratio checks start once this much has come out, so small, very repetitive files
# (a header and a few rows of zeros) are never mistaken for bombs.
_RATIO_GRACE_BYTES = 16 << 20

COMPRESSION_EXTENSIONS = {
    ".gz": "gzip",
    ".gzip": "gzip",
    ".bz2": "bz2",
    ".zst": "zstd",
    ".zstd": "zstd",
    ".zip": "zip",
}
_COMPRESSION_MAGIC = [
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
]


def human_bytes(size: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


class _Replay(io.RawIOBase):
    """Serves bytes already read for a look-ahead, then continues with the source."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Read `size` bytes, or fewer at the end of the stream (raw reads may come up short)."""
    parts = []
    remaining = size
    while remaining > 0:
        data = stream.read(remaining)
        if not data:
            break
        parts.append(data)
        remaining -= len(data)
    return b"".join(parts)


def is_seekable(stream: BinaryIO) -> bool:
    # Decompressors emulate seeking by decompressing again from the start: treat them as
    # forward-only, or a Parquet footer read would decompress the whole file per seek.
    if isinstance(getattr(stream, "raw", stream), _Replay | _Decompressed | _Transcoder):
        return False
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError):
        return False


def peek(stream: BinaryIO, size: int) -> tuple[bytes, BinaryIO]:
    """Return the first `size` bytes and a stream that still starts at the beginning."""
    if is_seekable(stream):
        start = stream.tell()
        head = read_up_to(stream, size)
        stream.seek(start)
        return head, stream
    head = read_up_to(stream, size)
    return head, io.BufferedReader(_Replay(head, stream), buffer_size=_CHUNK)


class _Counting(io.RawIOBase):
    """Counts the compressed bytes a decompressor has consumed."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


class _Decompressed(io.RawIOBase):
    """Decompressed bytes with the bomb limits applied and codec errors made readable."""

    def __init__(
        self,
        reader: BinaryIO,
        compressed: _Counting | int,
        kind: str,
        source_name: str,
        options: AdapterOptions,
    ) -> None:
        self._reader = reader
        self._compressed = compressed
        self._kind = kind
        self._source_name = source_name
        self._options = options
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            data = self._reader.read(len(buffer))
        except AdapterError:
            raise
        except (
            OSError,
            EOFError,
            zlib.error,
            zstandard.ZstdError,
            zipfile.BadZipFile,
            ValueError,
        ) as error:
            raise AdapterError(
                self._source_name,
                f"the {self._kind} data is truncated or corrupt after "
                f"{human_bytes(self.produced)} of output ({error}); ask the contributor to "
                "send the file again",
            ) from error
        buffer[: len(data)] = data
        self.produced += len(data)
        self._check_limits()
        return len(data)

    def _check_limits(self) -> None:
        limit = self._options.max_uncompressed_bytes
        if self.produced > limit:
            raise AdapterError(
                self._source_name,
                f"the {self._kind} data expands past {human_bytes(limit)} "
                "(max_uncompressed_bytes); nothing was landed. If the file is genuine, raise "
                "`max_uncompressed_bytes` in its declaration",
            )
        compressed = (
            self._compressed if isinstance(self._compressed, int) else self._compressed.count
        )
        ratio = self.produced / max(compressed, 1)
        if self.produced > _RATIO_GRACE_BYTES and ratio > self._options.max_compression_ratio:
            raise AdapterError(
                self._source_name,
                f"the {self._kind} data expands {ratio:.0f} times ({human_bytes(compressed)} "
                f"became {human_bytes(self.produced)}), beyond max_compression_ratio "
                f"{self._options.max_compression_ratio:g}; this looks like a decompression "
                "bomb and nothing was landed. If the file is genuine, raise "
                "`max_compression_ratio` in its declaration",
            )


def detect_compression(head: bytes, name: str) -> str | None:
    for magic, kind in _COMPRESSION_MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    suffix = Path(name).suffix.lower()
    return COMPRESSION_EXTENSIONS.get(suffix)


def strip_compression_suffix(name: str) -> str:
    path = Path(name)
    if path.suffix.lower() in COMPRESSION_EXTENSIONS:
        return str(path.with_suffix(""))
    return name


def decompress(stream: BinaryIO, kind: str, source_name: str, options: AdapterOptions) -> BinaryIO:
    """A forward-only stream of the decompressed bytes of a gzip, bz2 or zstd object."""
    counting = _Counting(stream)
    source = io.BufferedReader(counting, buffer_size=_CHUNK)
    reader: BinaryIO
    if kind == "gzip":
        reader = gzip.GzipFile(fileobj=source, mode="rb")  # type: ignore[assignment]
    elif kind == "bz2":
        reader = bz2.BZ2File(source, mode="rb")  # type: ignore[assignment]
    elif kind == "zstd":
        reader = zstandard.ZstdDecompressor().stream_reader(  # type: ignore[assignment]
            source, read_across_frames=True
        )
    else:
        raise AdapterError(
            source_name,
            f"unknown compression {kind!r}; declare `compression:` as gzip, bz2, zstd or zip",
        )
    guarded = _Decompressed(reader, counting, kind, source_name, options)
    return io.BufferedReader(guarded, buffer_size=_CHUNK)  # type: ignore[return-value]


def zip_members(
    archive: zipfile.ZipFile,
    source_name: str,
    options: AdapterOptions,
    patterns: str | list[str] | None = None,
) -> list[zipfile.ZipInfo]:
    """Members selected by patterns (default `members:`), checked against the bomb limits."""
    files = [
        info
        for info in archive.infolist()
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    ]
    patterns = patterns or options.members
    if isinstance(patterns, str):
        patterns = [patterns]
    if patterns:
        files = [
            info
            for info in files
            if any(
                fnmatch.fnmatch(info.filename, pattern)
                or fnmatch.fnmatch(Path(info.filename).name, pattern)
                for pattern in patterns
            )
        ]
    if not files:
        listed = ", ".join(info.filename for info in archive.infolist()) or "nothing"
        raise AdapterError(
            source_name,
            f"no member of the zip archive matches `members: {', '.join(patterns)}`; it holds "
            f"{listed}. Declare `members:` with a pattern that selects the data files",
        )
    total = sum(info.file_size for info in files)
    if total > options.max_uncompressed_bytes:
        raise AdapterError(
            source_name,
            f"the zip members declare {human_bytes(total)} uncompressed, beyond "
            f"{human_bytes(options.max_uncompressed_bytes)} (max_uncompressed_bytes); nothing "
            "was landed. If the archive is genuine, raise `max_uncompressed_bytes`",
        )
    for info in files:
        if problem := _unsafe_member_path(info.filename):
            raise AdapterError(
                source_name,
                f"zip member {info.filename!r} {problem}; nothing was landed. Ask the "
                "contributor to build the archive again with plain member names",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_GRACE_BYTES and ratio > options.max_compression_ratio:
            raise AdapterError(
                source_name,
                f"zip member {info.filename} expands {ratio:.0f} times "
                f"({human_bytes(info.compress_size)} to {human_bytes(info.file_size)}), beyond "
                f"max_compression_ratio {options.max_compression_ratio:g}; this looks like a "
                "decompression bomb and nothing was landed. If genuine, raise "
                "`max_compression_ratio`",
            )
        if info.flag_bits & 0x1:
            raise AdapterError(
                source_name,
                f"zip member {info.filename} is password-protected; ask the contributor for "
                "an unencrypted archive (the hub does not hold archive passwords)",
            )
    return files


def _unsafe_member_path(name: str) -> str | None:
    """Why a member's path is one no honest archive holds (a zip-slip), or None.

    Members are read in memory and never written out, so such a name cannot escape here;
    it is refused because it is a sign of a hostile or broken archive."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    if ".." in parts:
        return "has a path that climbs out of the archive ('..')"
    if any(not ch.isprintable() for ch in name):
        return "has a control character in its name"
    return None


def open_zip(stream: BinaryIO, source_name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(seekable_copy(stream))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise AdapterError(
            source_name,
            f"not a readable zip archive ({error}); it may be truncated or corrupt: ask the "
            "contributor to send it again",
        ) from error


def open_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, source_name: str, options: AdapterOptions
) -> BinaryIO:
    """A forward-only stream of one member, guarded like any other decompression."""
    try:
        reader = archive.open(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
        raise AdapterError(
            source_name,
            f"zip member {info.filename} cannot be opened ({error}); ask the contributor to "
            "send the archive again",
        ) from error
    guarded = _Decompressed(reader, info.compress_size, "zip", source_name, options)
    return io.BufferedReader(guarded, buffer_size=_CHUNK)  # type: ignore[return-value]


def seekable_copy(stream: BinaryIO) -> BinaryIO:
    """The stream itself when it can seek, else a spooled copy (memory, then disk)."""
    if is_seekable(stream):
        return stream
    copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
    shutil.copyfileobj(stream, copy, _CHUNK)
    copy.seek(0)
    return copy  # type: ignore[return-value]


@contextmanager
def local_path(stream: BinaryIO, suffix: str = "") -> Iterator[str]:
    """A filesystem path holding the object, for libraries that only open paths."""
    name = getattr(stream, "name", None)
    if isinstance(name, str) and os.path.isfile(name) and is_seekable(stream):
        yield name
        return
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="hub-adapter-")
    try:
        with os.fdopen(handle, "wb") as copy:
            shutil.copyfileobj(stream, copy, _CHUNK)
        yield path
    finally:
        os.unlink(path)


def detect_encoding(sample: bytes, complete: bool = False) -> str:
    """Guess a text encoding from a sample: byte-order marks, UTF-16 nulls, UTF-8, cp1252.

    `complete` says the sample is the whole text, so a cut-off character is an error rather
    than the sample's edge.
    """
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = len(sample) // 2
    if pairs >= 2:
        odd_nulls = sample[1 : pairs * 2 : 2].count(0)
        even_nulls = sample[0 : pairs * 2 : 2].count(0)
        if odd_nulls > 0.3 * pairs and even_nulls == 0:
            return "utf-16-le"
        if even_nulls > 0.3 * pairs and odd_nulls == 0:
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _codec_name(encoding: str, source_name: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError as error:
        raise AdapterError(
            source_name,
            f"unknown encoding {encoding!r}; declare `encoding:` as a codec name such as "
            "utf-8, cp1252, latin-1 or utf-16",
        ) from error


class _Transcoder(io.RawIOBase):
    """Re-encodes a legacy or UTF-16 text stream as UTF-8, naming the first bad byte."""

    def __init__(self, stream: BinaryIO, encoding: str, source_name: str) -> None:
        self._stream = stream
        self._encoding = encoding
        self._source_name = source_name
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self._pending = b""
        self._consumed = 0
        self._lines = 1
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self._pending and not self._done:
            data = self._stream.read(_CHUNK)
            self._done = not data
            try:
                text = self._decoder.decode(data, final=self._done)
            except UnicodeDecodeError as error:
                line = self._lines + error.object[: error.start].count(b"\n")
                raise AdapterError(
                    self._source_name,
                    f"byte {self._consumed + error.start} (near line {line}) is not "
                    f"valid {self._encoding}; declare the right `encoding:` for this source "
                    "(for example utf-8, cp1252 or utf-16)",
                ) from error
            self._consumed += len(data)
            self._lines += text.count("\n")
            self._pending = text.encode("utf-8")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def utf8_text(stream: BinaryIO, options: AdapterOptions, source_name: str) -> tuple[BinaryIO, str]:
    """The stream as UTF-8 bytes without a byte-order mark, and the encoding it was in.

    UTF-8 passes through untouched, so invalid bytes surface later as row rejections
    naming their line; other encodings are transcoded, and a byte they cannot decode stops
    the object with its offset.
    """
    head, stream = peek(stream, _SAMPLE)
    encoding = options.encoding or detect_encoding(head, complete=len(head) < _SAMPLE)
    codec = _codec_name(encoding, source_name)
    if codec in ("utf-8", "utf-8-sig"):
        if head.startswith(codecs.BOM_UTF8):
            stream.read(len(codecs.BOM_UTF8))
            return stream, "utf-8-sig"
        return stream, "utf-8"
    reader = io.BufferedReader(_Transcoder(stream, codec, source_name), buffer_size=_CHUNK)
    return reader, encoding  # type: ignore[return-value]
