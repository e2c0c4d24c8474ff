from enum import StrEnum


class CampaignStatus(StrEnum):
    ACTIVE = "active"
    DRAFT = "draft"
    ENDED = "ended"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
