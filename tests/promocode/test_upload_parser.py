from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openpromo.kit.lines import split_values
from openpromo.promocode.upload_parser import (
    MAX_LINE_BYTES,
    REASON_BAD_CHARACTERS,
    REASON_BAD_UTF8,
    REASON_TOO_LONG,
    InvalidLine,
    UploadParser,
    check_value,
)


def parse(data: bytes, chunk: int = 65536) -> tuple[list[str], UploadParser]:
    parser = UploadParser()
    out = b""
    for start in range(0, len(data), chunk):
        out += parser.feed(data[start : start + chunk])
    out += parser.finish()
    return split_values(out), parser


def test_plain_lines_are_values_in_order() -> None:
    values, parser = parse(b"AAA\nbbb\nC-1_x\n")
    assert values == ["AAA", "bbb", "C-1_x"]
    assert (parser.lines, parser.valid_count, parser.invalid_count) == (3, 3, 0)


def test_crlf_bom_blank_lines_and_missing_final_newline() -> None:
    values, parser = parse(b"\xef\xbb\xbfAAA\r\n\r\n\nBBB\r\n   \r\nCCC")
    assert values == ["AAA", "BBB", "CCC"]
    assert parser.lines == 6
    assert parser.invalid_count == 0


def test_surrounding_spaces_and_tabs_are_stripped() -> None:
    values, parser = parse(b"  AAA \n\tBBB\t\n")
    assert values == ["AAA", "BBB"]
    assert parser.invalid_count == 0


def test_invalid_lines_are_reported_with_line_number_value_and_reason() -> None:
    long_value = "L" * 65
    data = b"OK1\nbad value\n" + long_value.encode() + b"\nbad\xff\xfe\nOK2\nsemi;colon\n"
    values, parser = parse(data)
    assert values == ["OK1", "OK2"]
    assert parser.invalid_count == 4
    assert parser.invalid == [
        InvalidLine(2, "bad value", REASON_BAD_CHARACTERS),
        InvalidLine(3, long_value, REASON_TOO_LONG),
        InvalidLine(4, "bad\ufffd\ufffd", REASON_BAD_UTF8),
        InvalidLine(6, "semi;colon", REASON_BAD_CHARACTERS),
    ]


def test_64_characters_is_the_maximum() -> None:
    values, parser = parse(b"A" * 64 + b"\n" + b"B" * 65 + b"\n")
    assert values == ["A" * 64]
    assert parser.invalid == [InvalidLine(2, "B" * 65, REASON_TOO_LONG)]


def test_non_ascii_letters_are_invalid_characters() -> None:
    _, parser = parse("CAFÉ\n".encode())
    assert parser.invalid == [InvalidLine(1, "CAFÉ", REASON_BAD_CHARACTERS)]


def test_a_huge_line_is_not_buffered_and_is_reported_truncated() -> None:
    parser = UploadParser()
    for _ in range(100):
        assert parser.feed(b"X" * 100_000) == b""
        assert len(parser._pending) <= MAX_LINE_BYTES
    out = parser.feed(b"X\nNEXT\n") + parser.finish()
    assert split_values(out) == ["NEXT"]
    assert parser.lines == 2
    assert parser.invalid_count == 1
    assert parser.invalid[0].line == 1
    assert parser.invalid[0].reason == REASON_TOO_LONG
    assert parser.invalid[0].value == "X" * 100 + "…"


def test_only_the_first_1000_invalid_lines_are_listed_but_all_are_counted() -> None:
    _, parser = parse(b"bad!\n" * 1500)
    assert parser.invalid_count == 1500
    assert len(parser.invalid) == 1000
    assert parser.invalid[-1].line == 1000


def test_bom_split_across_chunks_and_tiny_files() -> None:
    assert parse(b"\xef\xbb\xbfAB\n", chunk=1)[0] == ["AB"]
    assert parse(b"A", chunk=1)[0] == ["A"]
    assert parse(b"")[0] == []
    assert parse(b"\xef\xbb\xbf")[0] == []


def test_a_bom_later_in_the_file_is_invalid() -> None:
    _, parser = parse(b"A\n\xef\xbb\xbfB\n")
    assert parser.invalid[0].line == 2


def test_check_value() -> None:
    assert check_value("XMAS-2026_a") is None
    assert check_value("") == "must not be empty"
    assert check_value("A" * 65) == REASON_TOO_LONG
    assert check_value("a b") == REASON_BAD_CHARACTERS


lines = st.lists(
    st.one_of(
        st.from_regex(r"[A-Za-z0-9_-]{1,70}", fullmatch=True),
        st.sampled_from(["", " ", "bad value", "é", "x\xff"]),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(lines=lines, crlf=st.booleans(), chunk=st.integers(min_value=1, max_value=50))
def test_any_chunking_gives_the_same_result_as_one_chunk(
    lines: list[str], crlf: bool, chunk: int
) -> None:
    data = ("\r\n" if crlf else "\n").join(lines).encode("utf-8", "surrogateescape")
    whole_values, whole = parse(data, chunk=len(data) or 1)
    values, parser = parse(data, chunk=chunk)
    assert values == whole_values
    assert parser.invalid == whole.invalid
    assert parser.lines == whole.lines
    expected = [line.strip() for line in lines if check_value(line.strip()) is None]
    assert values == expected
