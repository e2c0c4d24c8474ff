from enum import StrEnum


class RewardBudgetOnExceed(StrEnum):
    REJECT = "reject"
    TRUNCATE = "truncate"

    def __str__(self) -> str:
        return str(self.value)
