from enum import StrEnum


class SchemaScope(StrEnum):
    CUSTOMER = "customer"
    PROMOTION = "promotion"
    SESSION = "session"

    def __str__(self) -> str:
        return str(self.value)
