from enum import StrEnum


class PromocodeValueStatus(StrEnum):
    ALLOCATED = "allocated"
    AVAILABLE = "available"
    REDEEMED = "redeemed"

    def __str__(self) -> str:
        return str(self.value)
