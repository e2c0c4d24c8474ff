from enum import StrEnum


class PropertySourceSource(StrEnum):
    API = "api"
    IMPORT = "import"
    SYNC = "sync"

    def __str__(self) -> str:
        return str(self.value)
