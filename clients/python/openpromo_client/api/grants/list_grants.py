import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_grants_status_type_0 import ListGrantsStatusType0
from ...models.page_grant import PageGrant
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    promocode_id: None | str | Unset = UNSET,
    customer_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    status: ListGrantsStatusType0 | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_promotion_id: None | str | Unset
    if isinstance(promotion_id, Unset):
        json_promotion_id = UNSET
    else:
        json_promotion_id = promotion_id
    params["promotion_id"] = json_promotion_id

    json_promocode_id: None | str | Unset
    if isinstance(promocode_id, Unset):
        json_promocode_id = UNSET
    else:
        json_promocode_id = promocode_id
    params["promocode_id"] = json_promocode_id

    json_customer_id: None | str | Unset
    if isinstance(customer_id, Unset):
        json_customer_id = UNSET
    else:
        json_customer_id = customer_id
    params["customer_id"] = json_customer_id

    json_campaign_id: None | str | Unset
    if isinstance(campaign_id, Unset):
        json_campaign_id = UNSET
    else:
        json_campaign_id = campaign_id
    params["campaign_id"] = json_campaign_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListGrantsStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_created_from: None | str | Unset
    if isinstance(created_from, Unset):
        json_created_from = UNSET
    elif isinstance(created_from, datetime.datetime):
        json_created_from = created_from.isoformat()
    else:
        json_created_from = created_from
    params["created_from"] = json_created_from

    json_created_to: None | str | Unset
    if isinstance(created_to, Unset):
        json_created_to = UNSET
    elif isinstance(created_to, datetime.datetime):
        json_created_to = created_to.isoformat()
    else:
        json_created_to = created_to
    params["created_to"] = json_created_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/grants",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PageGrant | Problem | None:
    if response.status_code == 200:
        response_200 = PageGrant.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PageGrant | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    promocode_id: None | str | Unset = UNSET,
    customer_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    status: ListGrantsStatusType0 | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
) -> Response[PageGrant | Problem]:
    """List grants (newest last)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        promotion_id (None | str | Unset):
        promocode_id (None | str | Unset):
        customer_id (None | str | Unset):
        campaign_id (None | str | Unset):
        status (ListGrantsStatusType0 | None | Unset):
        created_from (datetime.datetime | None | Unset):
        created_to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageGrant | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        promotion_id=promotion_id,
        promocode_id=promocode_id,
        customer_id=customer_id,
        campaign_id=campaign_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    promocode_id: None | str | Unset = UNSET,
    customer_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    status: ListGrantsStatusType0 | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
) -> PageGrant | Problem | None:
    """List grants (newest last)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        promotion_id (None | str | Unset):
        promocode_id (None | str | Unset):
        customer_id (None | str | Unset):
        campaign_id (None | str | Unset):
        status (ListGrantsStatusType0 | None | Unset):
        created_from (datetime.datetime | None | Unset):
        created_to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageGrant | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        promotion_id=promotion_id,
        promocode_id=promocode_id,
        customer_id=customer_id,
        campaign_id=campaign_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    promocode_id: None | str | Unset = UNSET,
    customer_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    status: ListGrantsStatusType0 | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
) -> Response[PageGrant | Problem]:
    """List grants (newest last)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        promotion_id (None | str | Unset):
        promocode_id (None | str | Unset):
        customer_id (None | str | Unset):
        campaign_id (None | str | Unset):
        status (ListGrantsStatusType0 | None | Unset):
        created_from (datetime.datetime | None | Unset):
        created_to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageGrant | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        promotion_id=promotion_id,
        promocode_id=promocode_id,
        customer_id=customer_id,
        campaign_id=campaign_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    promocode_id: None | str | Unset = UNSET,
    customer_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    status: ListGrantsStatusType0 | None | Unset = UNSET,
    created_from: datetime.datetime | None | Unset = UNSET,
    created_to: datetime.datetime | None | Unset = UNSET,
) -> PageGrant | Problem | None:
    """List grants (newest last)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        promotion_id (None | str | Unset):
        promocode_id (None | str | Unset):
        customer_id (None | str | Unset):
        campaign_id (None | str | Unset):
        status (ListGrantsStatusType0 | None | Unset):
        created_from (datetime.datetime | None | Unset):
        created_to (datetime.datetime | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageGrant | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            promotion_id=promotion_id,
            promocode_id=promocode_id,
            customer_id=customer_id,
            campaign_id=campaign_id,
            status=status,
            created_from=created_from,
            created_to=created_to,
        )
    ).parsed
