"""The one response shape: every validation answer the tests see is checked against
``ValidationResponse`` — every declared field present unless it has a default, every value
of its declared type (strict JSON validation), and no field the schema does not declare."""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from pydantic import BaseModel

from openpromo.validation.schemas import ValidationResponse


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The model classes an annotation may hold (``X``, ``X | None``, ``list[X]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []


def _no_extra_fields(model: type[BaseModel], data: Any, where: str) -> None:
    if isinstance(data, list):
        for i, item in enumerate(data):
            _no_extra_fields(model, item, f"{where}[{i}]")
        return
    if not isinstance(data, dict):
        return
    extra = set(data) - set(model.model_fields)
    assert not extra, f"{where}: fields {sorted(extra)} are not in {model.__name__}"
    for name, field in model.model_fields.items():
        for nested in _models_in(field.annotation):
            if name in data and data[name] is not None:
                _no_extra_fields(nested, data[name], f"{where}.{name}")


def check_validation_response(data: Any) -> None:
    """Fails unless ``data`` (a decoded §7 answer) has exactly ``ValidationResponse``'s shape."""
    text = json.dumps(data)
    ValidationResponse.model_validate_json(text, strict=True)
    _no_extra_fields(ValidationResponse, data, "response")
