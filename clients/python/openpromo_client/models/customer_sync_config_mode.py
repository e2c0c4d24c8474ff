from enum import StrEnum


class CustomerSyncConfigMode(StrEnum):
    REPLACE = "replace"
    UPSERT = "upsert"

    def __str__(self) -> str:
        return str(self.value)
