from enum import StrEnum


class RewardTypeUpdateRoundingType0(StrEnum):
    DOWN = "down"
    HALF_EVEN = "half_even"
    HALF_UP = "half_up"
    UP = "up"

    def __str__(self) -> str:
        return str(self.value)
