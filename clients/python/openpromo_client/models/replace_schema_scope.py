from enum import StrEnum


class ReplaceSchemaScope(StrEnum):
    CUSTOMER = "customer"
    PROMOTION = "promotion"
    SESSION = "session"

    def __str__(self) -> str:
        return str(self.value)
