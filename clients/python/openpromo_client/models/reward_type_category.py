from enum import StrEnum


class RewardTypeCategory(StrEnum):
    AMOUNT = "amount"
    UNIT = "unit"

    def __str__(self) -> str:
        return str(self.value)
