from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_schema_scope import GetSchemaScope
from ...models.problem import Problem
from ...models.schema import Schema
from ...types import Response


def _get_kwargs(
    scope: GetSchemaScope,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/schemas/{scope}".format(
            scope=quote(str(scope), safe=""),
        ),
    }

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
    scope: GetSchemaScope,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | Schema]:
    """Get a property schema

    Args:
        scope (GetSchemaScope):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Schema]
    """

    kwargs = _get_kwargs(
        scope=scope,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    scope: GetSchemaScope,
    *,
    client: AuthenticatedClient,
) -> Problem | Schema | None:
    """Get a property schema

    Args:
        scope (GetSchemaScope):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Schema
    """

    return sync_detailed(
        scope=scope,
        client=client,
    ).parsed


async def asyncio_detailed(
    scope: GetSchemaScope,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | Schema]:
    """Get a property schema

    Args:
        scope (GetSchemaScope):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Schema]
    """

    kwargs = _get_kwargs(
        scope=scope,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    scope: GetSchemaScope,
    *,
    client: AuthenticatedClient,
) -> Problem | Schema | None:
    """Get a property schema

    Args:
        scope (GetSchemaScope):

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
        )
    ).parsed
