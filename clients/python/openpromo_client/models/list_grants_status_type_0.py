from enum import StrEnum


class ListGrantsStatusType0(StrEnum):
    GRANTED = "granted"
    RELEASED = "released"
    RESERVED = "reserved"
    REVERSED = "reversed"

    def __str__(self) -> str:
        return str(self.value)
