from __future__ import annotations

from fastapi import APIRouter

from openpromo.api.problems import COMMON_ERRORS

router = APIRouter(tags=["validation"], responses=COMMON_ERRORS)
