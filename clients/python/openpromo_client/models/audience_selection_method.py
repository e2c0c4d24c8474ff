from enum import StrEnum


class AudienceSelectionMethod(StrEnum):
    ATTRIBUTE = "attribute"
    RANDOM = "random"

    def __str__(self) -> str:
        return str(self.value)
