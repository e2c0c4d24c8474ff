"""Random promocode values: the shape (literals and random positions) and the sampler.

Pure: no I/O. Randomness comes from ``secrets`` (the values are bearer tokens); bytes are
mapped to characters with rejection sampling, so every character of an alphabet is equally
likely, and whole batches are produced with C-level bytes operations instead of one
``secrets.choice`` call per character.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

from openpromo.promocode.upload_parser import MAX_VALUE_LENGTH

DEFAULT_CHARSET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DIGITS = string.digits
LETTERS = string.ascii_uppercase
ALLOWED_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_-")
# The space of possible values must be at least this many times the values it will hold, so
# that a random draw collides at most half of the time and generation ends quickly.
SPACE_MARGIN = 2


class ShapeError(ValueError):
    """A bad shape; ``field`` names the request field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Run:
    """``literal`` text, or ``length`` random characters from ``alphabet``."""

    literal: str = ""
    alphabet: str = ""
    length: int = 0


@dataclass(frozen=True)
class CodeShape:
    runs: tuple[Run, ...]

    @property
    def length(self) -> int:
        return sum(len(r.literal) if not r.alphabet else r.length for r in self.runs)

    @property
    def space(self) -> int:
        """How many distinct values the shape can produce."""
        total = 1
        for run in self.runs:
            if run.alphabet:
                total *= len(run.alphabet) ** run.length
        return total

    def like_pattern(self) -> str:
        """A SQL LIKE pattern (escape character ``\\``) over lower-cased values that matches
        every value of this shape (and possibly a few others: a safe over-estimate)."""
        parts: list[str] = []
        for run in self.runs:
            if run.alphabet:
                parts.append("_" * run.length)
            else:
                parts.append(run.literal.lower().replace("_", "\\_"))
        return "".join(parts)

    def sample(self, count: int) -> list[str]:
        columns: list[Iterable[str]] = []
        for run in self.runs:
            if run.alphabet:
                stream = random_string(run.alphabet, count * run.length)
                step = run.length
                columns.append([stream[i : i + step] for i in range(0, len(stream), step)])
            else:
                columns.append(repeat(run.literal, count))
        if len(columns) == 1:
            return list(columns[0])
        return ["".join(parts) for parts in zip(*columns, strict=False)]


def random_string(alphabet: str, length: int) -> str:
    """``length`` characters drawn uniformly and independently from ``alphabet``."""
    size = len(alphabet)
    limit = 256 - (256 % size)  # bytes at or above it would bias the draw: dropped
    table = bytes(ord(alphabet[b % size]) if b < limit else 0 for b in range(256))
    dropped = bytes(range(limit, 256))
    out = bytearray()
    while len(out) < length:
        missing = length - len(out)
        raw = secrets.token_bytes(missing + missing // 4 + 16)
        out += raw.translate(table, dropped)
    return out[:length].decode("ascii")


def _check_literal(field: str, text: str) -> None:
    bad = sorted({c for c in text if c not in ALLOWED_CHARACTERS})
    if bad:
        raise ShapeError(
            field, f"{field} may only contain A-Z, a-z, 0-9, '_' and '-' (found {''.join(bad)!r})"
        )


def shape_from_charset(length: int, charset: str, prefix: str = "", suffix: str = "") -> CodeShape:
    if not charset:
        raise ShapeError("charset", "charset must not be empty")
    _check_literal("charset", charset)
    seen: dict[str, str] = {}
    for char in charset:
        key = char.lower()
        if key in seen:
            raise ShapeError(
                "charset",
                f"charset lists {seen[key]!r} and {char!r}, which are the same character for "
                "values (they match case-insensitively): list each character once",
            )
        seen[key] = char
    _check_literal("prefix", prefix)
    _check_literal("suffix", suffix)
    shape = CodeShape(
        tuple(
            run
            for run in (
                Run(literal=prefix),
                Run(alphabet=charset, length=length),
                Run(literal=suffix),
            )
            if run.alphabet or run.literal
        )
    )
    if shape.length > MAX_VALUE_LENGTH:
        raise ShapeError(
            "length",
            f"prefix + length + suffix is {shape.length} characters; values have at most "
            f"{MAX_VALUE_LENGTH}",
        )
    return shape


def shape_from_pattern(pattern: str) -> CodeShape:
    """``#`` a digit, ``?`` an upper-case letter, anything else itself."""
    if not pattern:
        raise ShapeError("pattern", "pattern must not be empty")
    literal = pattern.replace("#", "").replace("?", "")
    _check_literal("pattern", literal)
    if len(pattern) > MAX_VALUE_LENGTH:
        raise ShapeError("pattern", f"pattern is {len(pattern)} characters; values have at most 64")
    runs: list[Run] = []
    for char in pattern:
        alphabet = DIGITS if char == "#" else LETTERS if char == "?" else ""
        last = runs[-1] if runs else None
        if alphabet and last is not None and last.alphabet == alphabet:
            runs[-1] = Run(alphabet=alphabet, length=last.length + 1)
        elif alphabet:
            runs.append(Run(alphabet=alphabet, length=1))
        elif last is not None and not last.alphabet:
            runs[-1] = Run(literal=last.literal + char)
        else:
            runs.append(Run(literal=char))
    if not any(run.alphabet for run in runs):
        raise ShapeError("pattern", "pattern has no random position ('#' or '?')")
    return CodeShape(tuple(runs))


def check_space(shape: CodeShape, count: int, existing: int, field: str) -> None:
    """Refuse a shape whose space is too small for ``count`` more values."""
    needed = SPACE_MARGIN * (count + existing)
    if shape.space < needed:
        raise ShapeError(
            field,
            f"this shape allows {shape.space:,} distinct values; generating {count:,} next to "
            f"{existing:,} existing values of the same shape needs at least {needed:,} "
            f"({SPACE_MARGIN}x the values it will hold, so that random values rarely collide): "
            "make the random part longer or the character set larger",
        )
