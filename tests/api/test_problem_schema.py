"""What the OpenAPI says of error answers is what the server sends (generated clients rely on
it: clients/python reads every error answer into its ``Problem`` model)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

from openpromo.api.problems import PROBLEM_JSON, problem_response


def test_error_answers_are_published_as_problem_json_only(app: FastAPI) -> None:
    schema: dict[str, Any] = app.openapi()
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    seen = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if problem_ref not in [media.get("schema") for media in content.values()]:
                    continue
                seen += 1
                assert list(content) == [PROBLEM_JSON], (method, path, status)
    assert seen > 300  # 401/403/404/422/429 on every operation, 409s and the rest


def test_the_problem_schema_requires_what_every_answer_carries(app: FastAPI) -> None:
    problem = app.openapi()["components"]["schemas"]["Problem"]
    minimal = json.loads(bytes(problem_response(404, "not_found", "Not found", "no such").body))
    assert sorted(problem["required"]) == sorted(minimal)
    assert problem["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/ProblemFieldError"
    }
