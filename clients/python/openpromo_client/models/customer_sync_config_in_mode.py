from enum import StrEnum


class CustomerSyncConfigInMode(StrEnum):
    REPLACE = "replace"
    UPSERT = "upsert"

    def __str__(self) -> str:
        return str(self.value)
