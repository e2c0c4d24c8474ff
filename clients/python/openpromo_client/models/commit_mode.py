from enum import StrEnum


class CommitMode(StrEnum):
    RESERVE = "reserve"

    def __str__(self) -> str:
        return str(self.value)
