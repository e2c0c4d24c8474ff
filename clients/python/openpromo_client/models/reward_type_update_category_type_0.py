from enum import StrEnum


class RewardTypeUpdateCategoryType0(StrEnum):
    AMOUNT = "amount"
    UNIT = "unit"

    def __str__(self) -> str:
        return str(self.value)
