from enum import StrEnum


class PutSchemaPropertyScope(StrEnum):
    CUSTOMER = "customer"
    PROMOTION = "promotion"
    SESSION = "session"

    def __str__(self) -> str:
        return str(self.value)
