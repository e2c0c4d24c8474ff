import json

from hypothesis import given
from hypothesis import strategies as st

from openpromo.db import read_json

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_documents_read_as_the_standard_library_reads_them(value: object) -> None:
    text = json.dumps(value)
    assert read_json(text) == json.loads(text)
    assert read_json(text.encode()) == json.loads(text)


def test_big_integers_and_huge_numbers_stay_exact() -> None:
    assert read_json('{"a": 123456789012345678901234567890}') == {
        "a": 123456789012345678901234567890
    }
    assert read_json("[18446744073709551616]") == [18446744073709551616]
    assert read_json("1e400") == float("inf")  # what json.loads says
