from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_promocode_values_format_type_0 import ListPromocodeValuesFormatType0
from ...models.list_promocode_values_status_type_0 import ListPromocodeValuesStatusType0
from ...models.page_promocode_value import PagePromocodeValue
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    promocode_id: str,
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    status: ListPromocodeValuesStatusType0 | None | Unset = UNSET,
    format_: ListPromocodeValuesFormatType0 | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListPromocodeValuesStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, ListPromocodeValuesFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/promocodes/{promocode_id}/values".format(
            promocode_id=quote(str(promocode_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PagePromocodeValue | Problem | None:
    if response.status_code == 200:
        response_200 = PagePromocodeValue.from_dict(response.json())

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
) -> Response[PagePromocodeValue | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    status: ListPromocodeValuesStatusType0 | None | Unset = UNSET,
    format_: ListPromocodeValuesFormatType0 | None | Unset = UNSET,
) -> Response[PagePromocodeValue | Problem]:
    """List a promocode's values, or export them all as CSV

    Args:
        promocode_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        q (None | str | Unset): Value prefix (case-insensitive).
        status (ListPromocodeValuesStatusType0 | None | Unset):
        format_ (ListPromocodeValuesFormatType0 | None | Unset): csv: every value as a streamed
            CSV (also Accept: text/csv).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePromocodeValue | Problem]
    """

    kwargs = _get_kwargs(
        promocode_id=promocode_id,
        limit=limit,
        cursor=cursor,
        q=q,
        status=status,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    status: ListPromocodeValuesStatusType0 | None | Unset = UNSET,
    format_: ListPromocodeValuesFormatType0 | None | Unset = UNSET,
) -> PagePromocodeValue | Problem | None:
    """List a promocode's values, or export them all as CSV

    Args:
        promocode_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        q (None | str | Unset): Value prefix (case-insensitive).
        status (ListPromocodeValuesStatusType0 | None | Unset):
        format_ (ListPromocodeValuesFormatType0 | None | Unset): csv: every value as a streamed
            CSV (also Accept: text/csv).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePromocodeValue | Problem
    """

    return sync_detailed(
        promocode_id=promocode_id,
        client=client,
        limit=limit,
        cursor=cursor,
        q=q,
        status=status,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    status: ListPromocodeValuesStatusType0 | None | Unset = UNSET,
    format_: ListPromocodeValuesFormatType0 | None | Unset = UNSET,
) -> Response[PagePromocodeValue | Problem]:
    """List a promocode's values, or export them all as CSV

    Args:
        promocode_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        q (None | str | Unset): Value prefix (case-insensitive).
        status (ListPromocodeValuesStatusType0 | None | Unset):
        format_ (ListPromocodeValuesFormatType0 | None | Unset): csv: every value as a streamed
            CSV (also Accept: text/csv).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePromocodeValue | Problem]
    """

    kwargs = _get_kwargs(
        promocode_id=promocode_id,
        limit=limit,
        cursor=cursor,
        q=q,
        status=status,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    status: ListPromocodeValuesStatusType0 | None | Unset = UNSET,
    format_: ListPromocodeValuesFormatType0 | None | Unset = UNSET,
) -> PagePromocodeValue | Problem | None:
    """List a promocode's values, or export them all as CSV

    Args:
        promocode_id (str):
        limit (int | Unset): Page size (1-200). Default: 50.
        cursor (None | str | Unset): Opaque cursor from `next_cursor`.
        q (None | str | Unset): Value prefix (case-insensitive).
        status (ListPromocodeValuesStatusType0 | None | Unset):
        format_ (ListPromocodeValuesFormatType0 | None | Unset): csv: every value as a streamed
            CSV (also Accept: text/csv).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePromocodeValue | Problem
    """

    return (
        await asyncio_detailed(
            promocode_id=promocode_id,
            client=client,
            limit=limit,
            cursor=cursor,
            q=q,
            status=status,
            format_=format_,
        )
    ).parsed
