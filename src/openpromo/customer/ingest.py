"""Turning incoming customer rows into stored property values: parse, validate, batch.

One pipeline serves every way values enter — ``PUT /v1/customers/{id}`` (source ``api``),
imports (``import``) and synchronisation runs (``sync``):

* NDJSON and CSV are parsed incrementally from an async stream of bytes, so memory stays flat
  whatever the size of the file; line numbers are 1-based physical lines (a CSV header is
  line 1; a quoted CSV field spanning lines is reported at its first line).
* Each row is validated against the tenant's customer schema. Unknown keys and bad values
  reject that row only. Schema properties that are not synchronised are not stored, and the
  report lists them (``not_synchronised``) instead of dropping them silently.
* An empty value (JSON ``null``, an empty CSV cell, a SQL ``NULL``) means "no value": it
  removes the stored value of that property.
* Valid rows are collected in batches (one set-based statement per batch, see the
  repository); a customer appearing twice in one batch is merged, the later row winning.

Size (over 600 lines): one streaming pipeline — the NDJSON and CSV readers feed the same row
check and the same batcher, and their line-number bookkeeping must agree; kept together so
the three sources (api, import, sync) visibly share it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import orjson

from openpromo.errors import FieldError
from openpromo.schema.values import PropertyDefinition, to_json_value, validate_values

Source = Literal["api", "import", "sync"]
ImportFormat = Literal["csv", "ndjson"]

BATCH_SIZE = 2_000
MAX_REPORTED_ERRORS = 1_000
MAX_LINE_BYTES = 1_048_576
CUSTOMER_ID_MAX_LENGTH = 128


class Batch(dict[str, dict[str, Any]]):
    """customer_id → JSON values to merge (None removes the stored value).

    ``raw`` holds, for NDJSON rows whose every value was taken verbatim, the original line: it
    is stored as it is (minus its ``customer_id`` member, removed in SQL), which spares
    serialising the values again.
    """

    def __init__(self) -> None:
        super().__init__()
        self.raw: dict[str, str] = {}


BatchSink = Callable[[Batch], Awaitable[None]]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def customer_id_error(value: Any) -> str | None:
    """Why ``value`` is not a valid customer id, or None."""
    if not isinstance(value, str):
        return "customer_id must be a string"
    if not value:
        return "customer_id must not be empty"
    if len(value) > CUSTOMER_ID_MAX_LENGTH:
        return f"customer_id must be at most {CUSTOMER_ID_MAX_LENGTH} characters"
    if _CONTROL.search(value):
        return "customer_id must not contain control characters"
    return None


@dataclass
class RowError:
    line: int | None
    customer_id: str | None
    loc: list[str | int]
    msg: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "customer_id": self.customer_id,
            "loc": self.loc,
            "msg": self.msg,
        }


@dataclass
class IngestReport:
    rows_read: int = 0
    rows_upserted: int = 0
    rows_rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    not_synchronised: set[str] = field(default_factory=set)

    def reject(self, error: RowError) -> None:
        self.rows_rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    @property
    def warnings(self) -> list[str]:
        return [
            f"property '{key}' is in the customer schema but not synchronised: not stored"
            for key in sorted(self.not_synchronised)
        ]


_SOURCE_CODES = {"api": "a", "import": "i", "sync": "s"}
_SOURCE_NAMES = {code: name for name, code in _SOURCE_CODES.items()}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def source_stamp(source: str, now: datetime) -> str:
    """How a value's origin is stored: the source's initial and the UTC time in epoch
    microseconds (``"i1764092466151982"``). Compact on purpose — there is one per property and
    customer, millions of them — the API shows it as ``{"source", "updated_at"}``."""
    return f"{_SOURCE_CODES[source]}{(now - _EPOCH) // _MICROSECOND}"


def parse_source_stamp(stamp: Any) -> dict[str, Any] | None:
    """The API shape ``{"source", "updated_at"}`` of a stored stamp."""
    if isinstance(stamp, str) and stamp[:1] in _SOURCE_NAMES and stamp[1:].isdigit():
        moment = _EPOCH + int(stamp[1:]) * _MICROSECOND
        return {"source": _SOURCE_NAMES[stamp[0]], "updated_at": moment}
    return None


# ---------------------------------------------------------------------------------------------
# Coercion of untyped inputs (CSV text, SQL driver values) into the JSON values the schema
# validator expects. Anything that does not coerce is passed through unchanged, so the
# validator produces its usual error naming the property, the type and the value.

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def coerce_text(type_: str, text: str) -> Any:
    """A CSV cell → a JSON value of the property's type (empty cell → None)."""
    if text == "":
        return None
    if type_ == "integer":
        stripped = text.strip()
        if stripped.lstrip("+-").isdigit():
            return int(stripped)
        return text
    if type_ == "boolean":
        lowered = text.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if type_ == "string_list":
        stripped = text.strip()
        if stripped.startswith("["):
            try:
                return json.loads(stripped)
            except ValueError:
                return text
        return [part for part in stripped.split("|") if part != ""]
    return text


def coerce_db(type_: str, value: Any) -> Any:
    """A value from a SQL driver → a JSON value of the property's type."""
    if value is None:
        return None
    if isinstance(value, str):
        return coerce_text(type_, value) if type_ in {"integer", "boolean"} else value
    if isinstance(value, bool):
        return value
    if type_ == "boolean" and isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, Decimal):
        if type_ == "integer" and value == value.to_integral_value():
            return int(value)
        return str(value)
    if isinstance(value, float):
        if type_ == "integer" and value.is_integer():
            return int(value)
        return repr(value)
    if isinstance(value, int):
        return str(value) if type_ == "decimal" else value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    return value


# ---------------------------------------------------------------------------------------------
# Fast paths. Imports of millions of rows spend most of their time validating values, so the
# common, already-canonical cases are checked inline. A fast check either returns exactly the
# JSON value the full validator (``openpromo.schema.values``) would store, or ``_SLOW`` — and
# the row then goes through the full validator, which also words every error. The result is
# therefore always the full validator's.

_SLOW: Any = object()
_CANONICAL_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,28})(?:\.[0-9]{1,30})?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_MAX_STRING = 10_000


def _storable_text(text: str) -> bool:
    """PostgreSQL text holds neither NUL characters nor lone UTF-16 surrogates."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return not _storable_text(value)
    if isinstance(value, list):
        return any(isinstance(item, str) and not _storable_text(item) for item in value)
    return False


def _fast_check(definition: PropertyDefinition) -> Callable[[Any], Any]:
    """A checker for the canonical valid values of ``definition`` (``_SLOW`` otherwise)."""
    lo, hi = definition.min, definition.max
    allowed = frozenset(definition.allowed_values) if definition.allowed_values else None
    type_ = definition.type
    if type_ == "string":
        if definition.pattern is not None:
            return lambda value: _SLOW
        limit = min(definition.max_length or _MAX_STRING, _MAX_STRING)

        def check_string(value: Any) -> Any:
            if (
                type(value) is str
                and len(value) <= limit
                and (allowed is None or value in allowed)
                and _storable_text(value)
            ):
                return value
            return _SLOW

        return check_string
    if type_ == "integer":

        def check_integer(value: Any) -> Any:
            if (
                type(value) is int
                and _INT_MIN <= value <= _INT_MAX
                and (lo is None or value >= lo)
                and (hi is None or value <= hi)
                and (allowed is None or value in allowed)
            ):
                return value
            return _SLOW

        return check_integer
    if type_ == "decimal":
        match = _CANONICAL_DECIMAL.fullmatch

        def check_decimal(value: Any) -> Any:
            if type(value) is str and match(value):
                if lo is None and hi is None:
                    return value
                number = Decimal(value)
                if (lo is None or number >= lo) and (hi is None or number <= hi):
                    return value
            return _SLOW

        return check_decimal
    if type_ == "boolean":
        return lambda value: value if type(value) is bool else _SLOW
    if type_ == "date":
        match_date = _ISO_DATE.fullmatch

        def check_date(value: Any) -> Any:
            if type(value) is str and match_date(value):
                try:
                    day = date.fromisoformat(value)
                except ValueError:
                    return _SLOW
                if (lo is None or day >= lo) and (hi is None or day <= hi):
                    return value
            return _SLOW

        return check_date
    return lambda value: _SLOW


# ---------------------------------------------------------------------------------------------


class RowProcessor:
    """Validates rows against the customer schema and fills batches for a sink."""

    def __init__(
        self,
        definitions: Sequence[PropertyDefinition],
        stored_keys: Iterable[str] | None,
        *,
        sink: BatchSink | None,
        drain: Callable[[], Awaitable[None]] | None = None,
        close: Callable[[], Awaitable[None]] | None = None,
        report: IngestReport | None = None,
        replace_keys: Iterable[str] = (),
        batch_size: int | None = None,
    ) -> None:
        self.definitions = list(definitions)
        self.types = {d.key: d.type for d in self.definitions}
        self.stored_keys = frozenset(self.types if stored_keys is None else stored_keys)
        self.replace_keys = tuple(k for k in replace_keys if k in self.stored_keys)
        self.sink = sink
        self.drain = drain
        self.close = close
        self.report = report if report is not None else IngestReport()
        self.batch_size = batch_size or BATCH_SIZE
        self.batch = Batch()
        self.fast = {d.key: _fast_check(d) for d in self.definitions if d.key in self.stored_keys}
        # Verbatim rows cannot be used when a property is named like the id column.
        self.verbatim_ok = not self.replace_keys and "customer_id" not in self.types
        self.last_fast = False

    def validate(
        self, values: Mapping[str, Any], loc: tuple[str | int, ...] = ()
    ) -> tuple[dict[str, Any] | None, list[FieldError]]:
        """JSON values to store for one customer (None and the errors if the row is bad)."""
        fast = self.fast
        stored: dict[str, Any] = dict.fromkeys(self.replace_keys) if self.replace_keys else {}
        self.last_fast = False
        for key, value in values.items():
            check = fast.get(key)
            if check is None:
                break
            if value is None:
                stored[key] = None
                continue
            result = check(value)
            if result is _SLOW:
                break
            stored[key] = result
        else:
            self.last_fast = True
            return stored, []
        return self._validate_fully(values, loc)

    def _validate_fully(
        self, values: Mapping[str, Any], loc: tuple[str | int, ...]
    ) -> tuple[dict[str, Any] | None, list[FieldError]]:
        present: dict[str, Any] = {}
        removed: list[str] = []
        for key, value in values.items():
            if value is None and key in self.types:
                removed.append(key)
            else:
                present[key] = value
        typed, errors = validate_values(
            self.definitions, present, loc=loc, check_required=False, unknown="error"
        )
        errors = list(errors)
        for key, value in typed.items():
            if _unstorable(value):
                errors.append(
                    FieldError(
                        (*loc, key),
                        f"{key}: contains a NUL character or an unpaired surrogate, "
                        "which cannot be stored",
                        "invalid_character",
                    )
                )
        if errors:
            return None, errors
        stored: dict[str, Any] = {key: None for key in self.replace_keys}
        for key, value in typed.items():
            if key in self.stored_keys:
                stored[key] = to_json_value(self.types[key], value)
            else:
                self.report.not_synchronised.add(key)
        for key in removed:
            if key in self.stored_keys:
                stored[key] = None
            else:
                self.report.not_synchronised.add(key)
        return stored, []

    async def add_row(self, line: int | None, row: dict[str, Any]) -> None:
        """One flat row (``customer_id`` plus property values); flushes full batches."""
        if self.add(line, row):
            await self.flush()

    def add(self, line: int | None, row: dict[str, Any], verbatim: str | None = None) -> bool:
        """Validate and batch one row (taken over: it is modified); True when a batch is full."""
        self.report.rows_read += 1
        customer_id = row.pop("customer_id", None)
        if not (
            type(customer_id) is str
            and 0 < len(customer_id) <= CUSTOMER_ID_MAX_LENGTH
            and customer_id.isascii()
            and customer_id.isprintable()
        ):
            # Not the common case: the full check says why, or accepts it.
            if type(customer_id) is int:
                customer_id = str(customer_id)
            problem = (
                customer_id_error(customer_id)
                if customer_id is not None
                else "customer_id is missing"
            )
            if problem is not None:
                shown = customer_id if isinstance(customer_id, str) else None
                self.report.reject(RowError(line, shown, ["customer_id"], problem))
                return False
        stored, errors = self.validate(row)
        if stored is None:
            first = errors[0]
            msg = "; ".join(e.msg for e in errors) if len(errors) > 1 else first.msg
            self.report.reject(RowError(line, customer_id, list(first.loc), msg))
            return False
        self.report.rows_upserted += 1
        batch = self.batch
        existing = batch.get(customer_id)
        if existing is None:
            batch[customer_id] = stored
            if verbatim is not None and self.last_fast and self.verbatim_ok:
                batch.raw[customer_id] = verbatim
        else:
            existing.update(stored)
            batch.raw.pop(customer_id, None)
        return len(batch) >= self.batch_size

    def reject(
        self, line: int | None, customer_id: str | None, loc: list[str | int], msg: str
    ) -> None:
        self.report.rows_read += 1
        self.report.reject(RowError(line, customer_id, loc, msg))

    async def flush(self) -> None:
        if self.batch and self.sink is not None:
            await self.sink(self.batch)
        self.batch = Batch()

    async def finish(self) -> None:
        """Flush the last batch and wait for every write to be done."""
        await self.flush()
        if self.drain is not None:
            await self.drain()
        if self.close is not None:
            await self.close()

    async def abandon(self) -> None:
        """After a failure: wait for a write in flight (its error, if any, is secondary)."""
        if self.drain is not None:
            with contextlib.suppress(Exception):
                await self.drain()


# ---------------------------------------------------------------------------------------------
# Incremental parsing.


async def iter_line_blocks(chunks: AsyncIterator[bytes]) -> AsyncIterator[tuple[int, list[str]]]:
    """Decoded lines, a block per chunk: ``(number of the block's first line, lines)``.

    Lines keep no line break (``\r\n`` and ``\n`` both end a line); UTF-8, a BOM is ignored.
    Blocks instead of single lines keep the per-line cost of a large import low.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    pending = ""
    number = 1
    async for chunk in chunks:
        if not chunk:
            continue
        text = pending + decoder.decode(chunk)
        lines = text.split("\n")
        pending = lines.pop()
        if len(pending) > MAX_LINE_BYTES:
            raise LineTooLong(number + len(lines))
        if lines:
            if "\r" in text:
                lines = [line.removesuffix("\r") for line in lines]
            yield number, lines
            number += len(lines)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield number, [pending.removesuffix("\r")]


async def iter_lines(chunks: AsyncIterator[bytes]) -> AsyncIterator[tuple[int, str]]:
    """Decoded lines (without the line break) with their 1-based numbers."""
    async for first, lines in iter_line_blocks(chunks):
        for offset, line in enumerate(lines):
            yield first + offset, line


def format_of(content_type: str, filename: str | None = None) -> ImportFormat | None:
    """The import format a media type (else a file name) says, or None (API and UI)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in {"text/csv", "application/csv"}:
        return "csv"
    if media in {
        "application/x-ndjson",
        "application/ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/json",
    }:
        return "ndjson"
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".ndjson", ".jsonl")):
        return "ndjson"
    return None


class LineTooLong(ValueError):
    def __init__(self, line: int) -> None:
        super().__init__(f"line {line} is longer than {MAX_LINE_BYTES} bytes")
        self.line = line


class BadHeader(ValueError):
    pass


def parse_json_line(line: str) -> Any:
    """One NDJSON line, as ``json.loads`` reads it.

    orjson parses the common case about three times faster than the standard library. What
    it refuses (a lone surrogate escape, NaN, malformed JSON) goes to ``json.loads``, so that
    results and error messages stay the standard library's. orjson also turns an integer
    beyond 64 bits into a float, silently losing digits: a row with a float value is therefore
    read again by ``json.loads`` (floats are rare — decimals travel as strings).
    """
    try:
        row = orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)
    if type(row) is dict:
        for value in row.values():
            if type(value) is float:
                return json.loads(line)
    elif type(row) is not list:
        return json.loads(line)
    return row


async def feed_ndjson(chunks: AsyncIterator[bytes], processor: RowProcessor) -> None:
    """Each non-blank line is one JSON object: ``{"customer_id": …, "<property>": …}``."""
    loads = parse_json_line
    add = processor.add
    async for first, lines in iter_line_blocks(chunks):
        for number, line in enumerate(lines, first):
            try:
                row = loads(line)
            except ValueError as exc:
                if not line.strip():
                    continue
                processor.reject(number, None, [], f"not valid JSON: {exc}")
                continue
            if type(row) is not dict:
                processor.reject(number, None, [], "each line must be a JSON object")
                continue
            if add(number, row, line):
                await processor.flush()


async def feed_csv(chunks: AsyncIterator[bytes], processor: RowProcessor) -> None:
    """A header row naming ``customer_id`` and property columns, then one row per customer."""
    header: list[str] | None = None
    record: list[str] = []
    record_line = 0
    quotes = 0
    async for number, line in iter_lines(chunks):
        if not record:
            record_line = number
        record.append(line)
        quotes += line.count('"')
        if quotes % 2:
            continue  # inside a quoted field that continues on the next line
        text = "\n".join(record)
        record, quotes = [], 0
        if header is None:
            header = _parse_header(text)
            continue
        if not text.strip():
            continue
        await _csv_row(processor, header, record_line, text)
    if record:
        text = "\n".join(record)
        if header is None:
            header = _parse_header(text)
        else:
            await _csv_row(processor, header, record_line, text)
    if header is None:
        raise BadHeader("the CSV has no header row (it needs a customer_id column)")


def _parse_header(text: str) -> list[str]:
    columns = [c.strip() for c in next(csv.reader([text]), [])]
    if "customer_id" not in columns:
        raise BadHeader("the CSV header row has no customer_id column")
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise BadHeader(f"the CSV header row names the column '{column}' twice")
        if not column:
            raise BadHeader("the CSV header row has an empty column name")
        seen.add(column)
    return columns


async def _csv_row(processor: RowProcessor, header: list[str], line: int, text: str) -> None:
    try:
        cells = next(csv.reader([text], strict=True))
    except csv.Error as exc:
        processor.reject(line, None, [], f"not valid CSV: {exc}")
        return
    if len(cells) != len(header):
        processor.reject(
            line,
            cells[header.index("customer_id")]
            if len(cells) > header.index("customer_id")
            else None,
            [],
            f"the row has {len(cells)} fields, the header has {len(header)}",
        )
        return
    row: dict[str, Any] = {}
    for column, cell in zip(header, cells, strict=True):
        if column == "customer_id":
            row[column] = cell
            continue
        type_ = processor.types.get(column)
        row[column] = cell if type_ is None else coerce_text(type_, cell)
    await processor.add_row(line, row)


async def feed(
    chunks: AsyncIterator[bytes], format_: ImportFormat, processor: RowProcessor
) -> None:
    try:
        if format_ == "csv":
            await feed_csv(chunks, processor)
        else:
            await feed_ndjson(chunks, processor)
        await processor.finish()
    except BaseException:
        await processor.abandon()
        raise
