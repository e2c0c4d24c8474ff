from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.replace_schema_scope import ReplaceSchemaScope
from ...models.schema import Schema
from ...models.schema_put import SchemaPut
from ...types import Response


def _get_kwargs(
    scope: ReplaceSchemaScope,
    *,
    body: SchemaPut,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/schemas/{scope}".format(
            scope=quote(str(scope), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Schema | None:
    if response.status_code == 200:
        response_200 = Schema.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Schema]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    scope: ReplaceSchemaScope,
    *,
    client: AuthenticatedClient,
    body: SchemaPut,
) -> Response[Problem | Schema]:
    """Replace a property schema (dropping or retyping a used property is refused)

    Args:
        scope (ReplaceSchemaScope):
        body (SchemaPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Schema]
    """

    kwargs = _get_kwargs(
        scope=scope,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    scope: ReplaceSchemaScope,
    *,
    client: AuthenticatedClient,
    body: SchemaPut,
) -> Problem | Schema | None:
    """Replace a property schema (dropping or retyping a used property is refused)

    Args:
        scope (ReplaceSchemaScope):
        body (SchemaPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Schema
    """

    return sync_detailed(
        scope=scope,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    scope: ReplaceSchemaScope,
    *,
    client: AuthenticatedClient,
    body: SchemaPut,
) -> Response[Problem | Schema]:
    """Replace a property schema (dropping or retyping a used property is refused)

    Args:
        scope (ReplaceSchemaScope):
        body (SchemaPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Schema]
    """

    kwargs = _get_kwargs(
        scope=scope,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    scope: ReplaceSchemaScope,
    *,
    client: AuthenticatedClient,
    body: SchemaPut,
) -> Problem | Schema | None:
    """Replace a property schema (dropping or retyping a used property is refused)

    Args:
        scope (ReplaceSchemaScope):
        body (SchemaPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Schema
    """

    return (
        await asyncio_detailed(
            scope=scope,
            client=client,
            body=body,
        )
    ).parsed
