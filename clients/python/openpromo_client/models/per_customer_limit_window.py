from enum import StrEnum


class PerCustomerLimitWindow(StrEnum):
    DAY = "day"
    LIFETIME = "lifetime"
    MONTH = "month"
    ROLLING_24H = "rolling_24h"
    ROLLING_30D = "rolling_30d"
    ROLLING_7D = "rolling_7d"
    WEEK = "week"

    def __str__(self) -> str:
        return str(self.value)
