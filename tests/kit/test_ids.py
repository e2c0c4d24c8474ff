import uuid

from hypothesis import given
from hypothesis import strategies as st

from openpromo.kit import ids


def test_ids_are_version_7_uuids_in_creation_order() -> None:
    made = [ids.new_id() for _ in range(1000)]
    assert all(uuid.UUID(i).version == 7 and str(uuid.UUID(i)) == i for i in made)
    assert len(set(made)) == 1000
    assert [i[:13] for i in made] == sorted(i[:13] for i in made)  # the millisecond part


@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_the_text_form_is_uuids(value: int) -> None:
    assert ids.uuid_text(value) == str(uuid.UUID(int=value))


def test_ids_made_together_are_distinct_version_7_uuids() -> None:
    made = ids.new_ids(5000)
    assert len(set(made)) == 5000
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in made)
    assert ids.new_ids(0) == []
