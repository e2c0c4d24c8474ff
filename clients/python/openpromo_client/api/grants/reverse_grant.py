from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.grant import Grant
from ...models.grant_reverse import GrantReverse
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    grant_id: str,
    *,
    body: GrantReverse | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/grants/{grant_id}/reverse".format(
            grant_id=quote(str(grant_id), safe=""),
        ),
    }

    if isinstance(body, GrantReverse):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Grant | Problem | None:
    if response.status_code == 200:
        response_200 = Grant.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Grant | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    grant_id: str,
    *,
    client: AuthenticatedClient,
    body: GrantReverse | None | Unset = UNSET,
) -> Response[Grant | Problem]:
    """Reverse a grant: give back exactly what it consumed (idempotent)

    Args:
        grant_id (str):
        body (GrantReverse | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Grant | Problem]
    """

    kwargs = _get_kwargs(
        grant_id=grant_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    grant_id: str,
    *,
    client: AuthenticatedClient,
    body: GrantReverse | None | Unset = UNSET,
) -> Grant | Problem | None:
    """Reverse a grant: give back exactly what it consumed (idempotent)

    Args:
        grant_id (str):
        body (GrantReverse | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Grant | Problem
    """

    return sync_detailed(
        grant_id=grant_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    grant_id: str,
    *,
    client: AuthenticatedClient,
    body: GrantReverse | None | Unset = UNSET,
) -> Response[Grant | Problem]:
    """Reverse a grant: give back exactly what it consumed (idempotent)

    Args:
        grant_id (str):
        body (GrantReverse | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Grant | Problem]
    """

    kwargs = _get_kwargs(
        grant_id=grant_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    grant_id: str,
    *,
    client: AuthenticatedClient,
    body: GrantReverse | None | Unset = UNSET,
) -> Grant | Problem | None:
    """Reverse a grant: give back exactly what it consumed (idempotent)

    Args:
        grant_id (str):
        body (GrantReverse | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Grant | Problem
    """

    return (
        await asyncio_detailed(
            grant_id=grant_id,
            client=client,
            body=body,
        )
    ).parsed
