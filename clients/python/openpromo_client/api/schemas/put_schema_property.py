from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.property_definition_out import PropertyDefinitionOut
from ...models.property_definition_put import PropertyDefinitionPut
from ...models.put_schema_property_scope import PutSchemaPropertyScope
from ...types import Response


def _get_kwargs(
    scope: PutSchemaPropertyScope,
    key: str,
    *,
    body: PropertyDefinitionPut,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/schemas/{scope}/properties/{key}".format(
            scope=quote(str(scope), safe=""),
            key=quote(str(key), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | PropertyDefinitionOut | None:
    if response.status_code == 200:
        response_200 = PropertyDefinitionOut.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = PropertyDefinitionOut.from_dict(response.json())

        return response_201

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | PropertyDefinitionOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    scope: PutSchemaPropertyScope,
    key: str,
    *,
    client: AuthenticatedClient,
    body: PropertyDefinitionPut,
) -> Response[Problem | PropertyDefinitionOut]:
    """Create or replace one property definition (201 when created, 200 when replaced)

    Args:
        scope (PutSchemaPropertyScope):
        key (str): The property's key.
        body (PropertyDefinitionPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PropertyDefinitionOut]
    """

    kwargs = _get_kwargs(
        scope=scope,
        key=key,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    scope: PutSchemaPropertyScope,
    key: str,
    *,
    client: AuthenticatedClient,
    body: PropertyDefinitionPut,
) -> Problem | PropertyDefinitionOut | None:
    """Create or replace one property definition (201 when created, 200 when replaced)

    Args:
        scope (PutSchemaPropertyScope):
        key (str): The property's key.
        body (PropertyDefinitionPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PropertyDefinitionOut
    """

    return sync_detailed(
        scope=scope,
        key=key,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    scope: PutSchemaPropertyScope,
    key: str,
    *,
    client: AuthenticatedClient,
    body: PropertyDefinitionPut,
) -> Response[Problem | PropertyDefinitionOut]:
    """Create or replace one property definition (201 when created, 200 when replaced)

    Args:
        scope (PutSchemaPropertyScope):
        key (str): The property's key.
        body (PropertyDefinitionPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PropertyDefinitionOut]
    """

    kwargs = _get_kwargs(
        scope=scope,
        key=key,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    scope: PutSchemaPropertyScope,
    key: str,
    *,
    client: AuthenticatedClient,
    body: PropertyDefinitionPut,
) -> Problem | PropertyDefinitionOut | None:
    """Create or replace one property definition (201 when created, 200 when replaced)

    Args:
        scope (PutSchemaPropertyScope):
        key (str): The property's key.
        body (PropertyDefinitionPut):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PropertyDefinitionOut
    """

    return (
        await asyncio_detailed(
            scope=scope,
            key=key,
            client=client,
            body=body,
        )
    ).parsed
