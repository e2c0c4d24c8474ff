from enum import StrEnum


class ListPromocodeValuesStatusType0(StrEnum):
    ALLOCATED = "allocated"
    AVAILABLE = "available"
    REDEEMED = "redeemed"

    def __str__(self) -> str:
        return str(self.value)
