from enum import StrEnum


class RewardTypeCreateCategory(StrEnum):
    AMOUNT = "amount"
    UNIT = "unit"

    def __str__(self) -> str:
        return str(self.value)
