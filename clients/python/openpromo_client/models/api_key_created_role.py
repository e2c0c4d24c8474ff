from enum import StrEnum


class ApiKeyCreatedRole(StrEnum):
    ADMIN = "admin"
    INTEGRATION = "integration"
    READ_ONLY = "read_only"

    def __str__(self) -> str:
        return str(self.value)
