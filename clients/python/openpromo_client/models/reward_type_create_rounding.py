from enum import StrEnum


class RewardTypeCreateRounding(StrEnum):
    DOWN = "down"
    HALF_EVEN = "half_even"
    HALF_UP = "half_up"
    UP = "up"

    def __str__(self) -> str:
        return str(self.value)
