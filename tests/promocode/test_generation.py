from __future__ import annotations

import re
from collections import Counter

import pytest

from openpromo.promocode.generation import (
    DEFAULT_CHARSET,
    ShapeError,
    check_space,
    random_string,
    shape_from_charset,
    shape_from_pattern,
)


def test_pattern_shape_space_and_samples() -> None:
    shape = shape_from_pattern("XMAS-####-????")
    assert shape.space == 10**4 * 26**4
    assert shape.length == 14
    assert shape.like_pattern() == "xmas-____-____"
    values = shape.sample(500)
    assert len(values) == 500
    assert all(re.fullmatch(r"XMAS-[0-9]{4}-[A-Z]{4}", v) for v in values)


def test_charset_shape_with_prefix_and_suffix() -> None:
    shape = shape_from_charset(6, "AB12", "pre_", "-x")
    assert shape.space == 4**6
    assert shape.like_pattern() == "pre\\_______-x"
    assert all(re.fullmatch(r"pre_[AB12]{6}-x", v) for v in shape.sample(200))


def test_default_charset_has_no_ambiguous_characters() -> None:
    assert not set("01IO") & set(DEFAULT_CHARSET)
    assert len(DEFAULT_CHARSET) == 32


def test_random_string_is_uniform_over_the_alphabet() -> None:
    counts = Counter(random_string("ABC", 300_000))
    assert set(counts) == {"A", "B", "C"}
    assert all(abs(n - 100_000) < 3_000 for n in counts.values())


@pytest.mark.parametrize(
    ("make", "field", "message"),
    [
        (lambda: shape_from_charset(4, "aA"), "charset", "same character"),
        (lambda: shape_from_charset(4, "AB!"), "charset", "may only contain"),
        (lambda: shape_from_charset(4, "AB", prefix="X Y"), "prefix", "may only contain"),
        (lambda: shape_from_charset(4, "AB", suffix="é"), "suffix", "may only contain"),
        (lambda: shape_from_charset(60, "AB", prefix="ABCDE"), "length", "at most 64"),
        (lambda: shape_from_pattern("XMAS"), "pattern", "no random position"),
        (lambda: shape_from_pattern("X.##"), "pattern", "may only contain"),
    ],
)
def test_bad_shapes_name_the_field(make: object, field: str, message: str) -> None:
    with pytest.raises(ShapeError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.field == field
    assert message in str(caught.value)


def test_check_space_needs_twice_the_values_it_will_hold() -> None:
    shape = shape_from_pattern("##")  # 100 values
    check_space(shape, 50, 0, "pattern")
    with pytest.raises(ShapeError) as caught:
        check_space(shape, 40, 11, "pattern")
    assert caught.value.field == "pattern"
    assert "allows 100 distinct values" in str(caught.value)
    assert "needs at least 102" in str(caught.value)
