from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_promocodes_type_type_0 import ListPromocodesTypeType0
from ...models.page_promocode import PagePromocode
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    type_: ListPromocodesTypeType0 | None | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    hidden: bool | None | Unset = UNSET,
    include_hidden: bool | Unset = False,
    q: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, ListPromocodesTypeType0):
        json_type_ = type_.value
    else:
        json_type_ = type_
    params["type"] = json_type_

    json_promotion_id: None | str | Unset
    if isinstance(promotion_id, Unset):
        json_promotion_id = UNSET
    else:
        json_promotion_id = promotion_id
    params["promotion_id"] = json_promotion_id

    json_campaign_id: None | str | Unset
    if isinstance(campaign_id, Unset):
        json_campaign_id = UNSET
    else:
        json_campaign_id = campaign_id
    params["campaign_id"] = json_campaign_id

    json_hidden: bool | None | Unset
    if isinstance(hidden, Unset):
        json_hidden = UNSET
    else:
        json_hidden = hidden
    params["hidden"] = json_hidden

    params["include_hidden"] = include_hidden

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/promocodes",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PagePromocode | Problem | None:
    if response.status_code == 200:
        response_200 = PagePromocode.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PagePromocode | Problem]:
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
    type_: ListPromocodesTypeType0 | None | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    hidden: bool | None | Unset = UNSET,
    include_hidden: bool | Unset = False,
    q: None | str | Unset = UNSET,
) -> Response[PagePromocode | Problem]:
    """List promocodes (hidden ones only when asked)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        type_ (ListPromocodesTypeType0 | None | Unset):
        promotion_id (None | str | Unset):
        campaign_id (None | str | Unset):
        hidden (bool | None | Unset): true: only hidden ones; false: only visible ones.
        include_hidden (bool | Unset): Include hidden promocodes (excluded by default). Default:
            False.
        q (None | str | Unset): A value (exact, case-insensitive) or part of the name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePromocode | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        promotion_id=promotion_id,
        campaign_id=campaign_id,
        hidden=hidden,
        include_hidden=include_hidden,
        q=q,
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
    type_: ListPromocodesTypeType0 | None | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    hidden: bool | None | Unset = UNSET,
    include_hidden: bool | Unset = False,
    q: None | str | Unset = UNSET,
) -> PagePromocode | Problem | None:
    """List promocodes (hidden ones only when asked)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        type_ (ListPromocodesTypeType0 | None | Unset):
        promotion_id (None | str | Unset):
        campaign_id (None | str | Unset):
        hidden (bool | None | Unset): true: only hidden ones; false: only visible ones.
        include_hidden (bool | Unset): Include hidden promocodes (excluded by default). Default:
            False.
        q (None | str | Unset): A value (exact, case-insensitive) or part of the name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePromocode | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        type_=type_,
        promotion_id=promotion_id,
        campaign_id=campaign_id,
        hidden=hidden,
        include_hidden=include_hidden,
        q=q,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    type_: ListPromocodesTypeType0 | None | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    hidden: bool | None | Unset = UNSET,
    include_hidden: bool | Unset = False,
    q: None | str | Unset = UNSET,
) -> Response[PagePromocode | Problem]:
    """List promocodes (hidden ones only when asked)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        type_ (ListPromocodesTypeType0 | None | Unset):
        promotion_id (None | str | Unset):
        campaign_id (None | str | Unset):
        hidden (bool | None | Unset): true: only hidden ones; false: only visible ones.
        include_hidden (bool | Unset): Include hidden promocodes (excluded by default). Default:
            False.
        q (None | str | Unset): A value (exact, case-insensitive) or part of the name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePromocode | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        promotion_id=promotion_id,
        campaign_id=campaign_id,
        hidden=hidden,
        include_hidden=include_hidden,
        q=q,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    type_: ListPromocodesTypeType0 | None | Unset = UNSET,
    promotion_id: None | str | Unset = UNSET,
    campaign_id: None | str | Unset = UNSET,
    hidden: bool | None | Unset = UNSET,
    include_hidden: bool | Unset = False,
    q: None | str | Unset = UNSET,
) -> PagePromocode | Problem | None:
    """List promocodes (hidden ones only when asked)

    Args:
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        type_ (ListPromocodesTypeType0 | None | Unset):
        promotion_id (None | str | Unset):
        campaign_id (None | str | Unset):
        hidden (bool | None | Unset): true: only hidden ones; false: only visible ones.
        include_hidden (bool | Unset): Include hidden promocodes (excluded by default). Default:
            False.
        q (None | str | Unset): A value (exact, case-insensitive) or part of the name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePromocode | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            type_=type_,
            promotion_id=promotion_id,
            campaign_id=campaign_id,
            hidden=hidden,
            include_hidden=include_hidden,
            q=q,
        )
    ).parsed
