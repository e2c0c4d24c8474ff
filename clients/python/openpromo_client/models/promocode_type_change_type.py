from enum import StrEnum


class PromocodeTypeChangeType(StrEnum):
    BULK = "bulk"
    SHARED = "shared"
    SINGLE_USE = "single_use"

    def __str__(self) -> str:
        return str(self.value)
