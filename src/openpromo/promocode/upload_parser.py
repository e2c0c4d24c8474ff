"""Incremental parser for promocode value uploads: bytes in, valid values out, flat memory.

One value per line, no header. CRLF and LF line ends, a UTF-8 byte order mark at the start and
blank lines are tolerated (blank lines are skipped, but still numbered). Spaces and tabs around
a value are stripped — spreadsheets and hand edits add them, and they can never be part of a
value. Every other line must be 1-64 characters from ``[A-Za-z0-9_-]``; a line that is not is
reported with its 1-based number, its text and the reason, and the rest of the file goes on.

Valid values come out as ASCII bytes, each followed by ``\\n``: exactly PostgreSQL's ``COPY``
text format for a one-column table (no character of a value needs escaping), so the common case
— a block of lines that are all valid — is checked by one regular expression and passed on
without touching each line in Python.

Memory is bounded by the chunk size: a "line" longer than ``MAX_LINE_BYTES`` is reported as too
long as soon as that is known and its remaining bytes are skipped up to the next line end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_VALUE_LENGTH = 64
MAX_INVALID_LISTED = 1_000
# Beyond this many bytes without a line end the line is surely invalid; stop buffering it.
MAX_LINE_BYTES = 4_096
# How much of an invalid line is echoed back in the report.
MAX_ECHOED_CHARS = 100

BOM = b"\xef\xbb\xbf"
VALUE_PATTERN = r"[A-Za-z0-9_-]{1,64}"
_VALUE = re.compile(VALUE_PATTERN.encode())
_ALL_VALID_BLOCK = re.compile(rb"(?:[A-Za-z0-9_-]{1,64}\n)*")

REASON_BAD_UTF8 = "not valid UTF-8"
REASON_TOO_LONG = f"longer than {MAX_VALUE_LENGTH} characters"
REASON_BAD_CHARACTERS = "contains characters other than A-Z, a-z, 0-9, '_' and '-'"


@dataclass(frozen=True)
class InvalidLine:
    line: int
    value: str
    reason: str


def _echo(text: str) -> str:
    return text if len(text) <= MAX_ECHOED_CHARS else text[:MAX_ECHOED_CHARS] + "…"


def check_value(value: str) -> str | None:
    """Why ``value`` cannot be a promocode value, or None when it can."""
    if not value:
        return "must not be empty"
    if len(value) > MAX_VALUE_LENGTH:
        return REASON_TOO_LONG
    if not _VALUE.fullmatch(value.encode("utf-8", "surrogatepass")):
        return REASON_BAD_CHARACTERS
    return None


@dataclass
class UploadParser:
    """Feed it chunks in order, then call ``finish()``; read the counters at the end."""

    max_invalid_listed: int = MAX_INVALID_LISTED
    lines: int = 0
    valid_count: int = 0
    invalid_count: int = 0
    invalid: list[InvalidLine] = field(default_factory=list)
    _head: bytes = b""
    _started: bool = False
    _pending: bytes = b""
    _skipping_long_line: bool = False

    def feed(self, chunk: bytes) -> bytes:
        """The valid values among the lines this chunk completes."""
        if not self._started:
            self._head += chunk
            if len(self._head) < len(BOM):
                return b""
            chunk = self._head.removeprefix(BOM)
            self._head = b""
            self._started = True
        if self._skipping_long_line:
            end = chunk.find(b"\n")
            if end < 0:
                return b""
            chunk = chunk[end + 1 :]
            self._skipping_long_line = False
        data = self._pending + chunk if self._pending else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._pending = data
            if len(data) > MAX_LINE_BYTES:
                self._reject(self.lines + 1, data, REASON_TOO_LONG)
                self.lines += 1
                self._pending = b""
                self._skipping_long_line = True
            return b""
        self._pending = data[cut + 1 :]
        out = self._block(data[: cut + 1])
        if len(self._pending) > MAX_LINE_BYTES:
            self._reject(self.lines + 1, self._pending, REASON_TOO_LONG)
            self.lines += 1
            self._pending = b""
            self._skipping_long_line = True
        return out

    def finish(self) -> bytes:
        """The valid value of a last line without a line end, if any."""
        if not self._started:
            self._started = True
            data = self._head.removeprefix(BOM)
            self._head = b""
            if data:
                return self.feed(data) + self.finish()
            return b""
        if self._skipping_long_line or not self._pending:
            return b""
        last, self._pending = self._pending, b""
        return self._block(last + b"\n")

    def _block(self, block: bytes) -> bytes:
        """``block`` is whole lines, each ending with ``\\n``."""
        if b"\r" in block:
            block = block.replace(b"\r\n", b"\n")
        if _ALL_VALID_BLOCK.fullmatch(block):
            count = block.count(b"\n")
            self.lines += count
            self.valid_count += count
            return block
        out: list[bytes] = []
        for raw in block.split(b"\n")[:-1]:
            self.lines += 1
            line = raw.strip(b" \t")
            if not line:
                continue
            if _VALUE.fullmatch(line):
                out.append(line)
                continue
            self._classify(self.lines, line)
        self.valid_count += len(out)
        return b"\n".join(out) + b"\n" if out else b""

    def _classify(self, line_number: int, line: bytes) -> None:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            self._reject(line_number, line, REASON_BAD_UTF8)
            return
        reason = REASON_TOO_LONG if len(text) > MAX_VALUE_LENGTH else REASON_BAD_CHARACTERS
        self._reject(line_number, line, reason)

    def _reject(self, line_number: int, line: bytes, reason: str) -> None:
        self.invalid_count += 1
        if len(self.invalid) < self.max_invalid_listed:
            text = line[: MAX_ECHOED_CHARS * 4 + 4].decode("utf-8", errors="replace")
            self.invalid.append(InvalidLine(line_number, _echo(text), reason))
