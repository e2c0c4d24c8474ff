from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_webhook_deliveries_status_type_0 import ListWebhookDeliveriesStatusType0
from ...models.page_webhook_delivery import PageWebhookDelivery
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: ListWebhookDeliveriesStatusType0 | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListWebhookDeliveriesStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/webhook-endpoints/{endpoint_id}/deliveries".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageWebhookDelivery | Problem | None:
    if response.status_code == 200:
        response_200 = PageWebhookDelivery.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PageWebhookDelivery | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: ListWebhookDeliveriesStatusType0 | None | Unset = UNSET,
) -> Response[PageWebhookDelivery | Problem]:
    """List an endpoint's deliveries, newest first

    Args:
        endpoint_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        status (ListWebhookDeliveriesStatusType0 | None | Unset): Only this status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageWebhookDelivery | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        limit=limit,
        cursor=cursor,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: ListWebhookDeliveriesStatusType0 | None | Unset = UNSET,
) -> PageWebhookDelivery | Problem | None:
    """List an endpoint's deliveries, newest first

    Args:
        endpoint_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        status (ListWebhookDeliveriesStatusType0 | None | Unset): Only this status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageWebhookDelivery | Problem
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        limit=limit,
        cursor=cursor,
        status=status,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: ListWebhookDeliveriesStatusType0 | None | Unset = UNSET,
) -> Response[PageWebhookDelivery | Problem]:
    """List an endpoint's deliveries, newest first

    Args:
        endpoint_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        status (ListWebhookDeliveriesStatusType0 | None | Unset): Only this status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageWebhookDelivery | Problem]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        limit=limit,
        cursor=cursor,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: ListWebhookDeliveriesStatusType0 | None | Unset = UNSET,
) -> PageWebhookDelivery | Problem | None:
    """List an endpoint's deliveries, newest first

    Args:
        endpoint_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        status (ListWebhookDeliveriesStatusType0 | None | Unset): Only this status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageWebhookDelivery | Problem
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            limit=limit,
            cursor=cursor,
            status=status,
        )
    ).parsed
