from enum import StrEnum


class SyncRunSummaryMode(StrEnum):
    REPLACE = "replace"
    UPSERT = "upsert"

    def __str__(self) -> str:
        return str(self.value)
