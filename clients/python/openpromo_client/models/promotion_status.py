from enum import StrEnum


class PromotionStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    DEACTIVATED = "deactivated"
    DRAFT = "draft"

    def __str__(self) -> str:
        return str(self.value)
