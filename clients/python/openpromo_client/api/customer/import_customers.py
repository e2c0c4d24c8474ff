from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.import_customers_files_body import ImportCustomersFilesBody
from ...models.import_customers_format_type_0 import ImportCustomersFormatType0
from ...models.import_report import ImportReport
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ImportCustomersFilesBody,
    dry_run: bool | Unset = False,
    format_: ImportCustomersFormatType0 | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, ImportCustomersFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/customers/import",
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportReport | Problem | None:
    if response.status_code == 200:
        response_200 = ImportReport.from_dict(response.json())

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
) -> Response[ImportReport | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ImportCustomersFilesBody,
    dry_run: bool | Unset = False,
    format_: ImportCustomersFormatType0 | None | Unset = UNSET,
) -> Response[ImportReport | Problem]:
    """Import customers from a streamed NDJSON or CSV file

    Args:
        dry_run (bool | Unset): Validate and report; store nothing Default: False.
        format_ (ImportCustomersFormatType0 | None | Unset): Overrides the format told by the
            Content-Type or file name
        body (ImportCustomersFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        dry_run=dry_run,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ImportCustomersFilesBody,
    dry_run: bool | Unset = False,
    format_: ImportCustomersFormatType0 | None | Unset = UNSET,
) -> ImportReport | Problem | None:
    """Import customers from a streamed NDJSON or CSV file

    Args:
        dry_run (bool | Unset): Validate and report; store nothing Default: False.
        format_ (ImportCustomersFormatType0 | None | Unset): Overrides the format told by the
            Content-Type or file name
        body (ImportCustomersFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        dry_run=dry_run,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ImportCustomersFilesBody,
    dry_run: bool | Unset = False,
    format_: ImportCustomersFormatType0 | None | Unset = UNSET,
) -> Response[ImportReport | Problem]:
    """Import customers from a streamed NDJSON or CSV file

    Args:
        dry_run (bool | Unset): Validate and report; store nothing Default: False.
        format_ (ImportCustomersFormatType0 | None | Unset): Overrides the format told by the
            Content-Type or file name
        body (ImportCustomersFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        dry_run=dry_run,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ImportCustomersFilesBody,
    dry_run: bool | Unset = False,
    format_: ImportCustomersFormatType0 | None | Unset = UNSET,
) -> ImportReport | Problem | None:
    """Import customers from a streamed NDJSON or CSV file

    Args:
        dry_run (bool | Unset): Validate and report; store nothing Default: False.
        format_ (ImportCustomersFormatType0 | None | Unset): Overrides the format told by the
            Content-Type or file name
        body (ImportCustomersFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            dry_run=dry_run,
            format_=format_,
        )
    ).parsed
