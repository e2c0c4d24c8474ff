from enum import StrEnum


class ReservationStatus(StrEnum):
    GRANTED = "granted"
    RELEASED = "released"
    RESERVED = "reserved"

    def __str__(self) -> str:
        return str(self.value)
