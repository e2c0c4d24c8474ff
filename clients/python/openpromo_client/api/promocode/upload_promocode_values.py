from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.upload_promocode_values_files_body import UploadPromocodeValuesFilesBody
from ...models.upload_report import UploadReport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    promocode_id: str,
    *,
    body: UploadPromocodeValuesFilesBody,
    dry_run: bool | Unset = False,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/promocodes/{promocode_id}/values".format(
            promocode_id=quote(str(promocode_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UploadReport | None:
    if response.status_code == 200:
        response_200 = UploadReport.from_dict(response.json())

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
) -> Response[Problem | UploadReport]:
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
    body: UploadPromocodeValuesFilesBody,
    dry_run: bool | Unset = False,
) -> Response[Problem | UploadReport]:
    """Upload values to a bulk promocode (streamed text/CSV body or multipart file)

    Args:
        promocode_id (str):
        dry_run (bool | Unset): Report without storing anything. Default: False.
        body (UploadPromocodeValuesFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadReport]
    """

    kwargs = _get_kwargs(
        promocode_id=promocode_id,
        body=body,
        dry_run=dry_run,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    body: UploadPromocodeValuesFilesBody,
    dry_run: bool | Unset = False,
) -> Problem | UploadReport | None:
    """Upload values to a bulk promocode (streamed text/CSV body or multipart file)

    Args:
        promocode_id (str):
        dry_run (bool | Unset): Report without storing anything. Default: False.
        body (UploadPromocodeValuesFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadReport
    """

    return sync_detailed(
        promocode_id=promocode_id,
        client=client,
        body=body,
        dry_run=dry_run,
    ).parsed


async def asyncio_detailed(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    body: UploadPromocodeValuesFilesBody,
    dry_run: bool | Unset = False,
) -> Response[Problem | UploadReport]:
    """Upload values to a bulk promocode (streamed text/CSV body or multipart file)

    Args:
        promocode_id (str):
        dry_run (bool | Unset): Report without storing anything. Default: False.
        body (UploadPromocodeValuesFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadReport]
    """

    kwargs = _get_kwargs(
        promocode_id=promocode_id,
        body=body,
        dry_run=dry_run,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    body: UploadPromocodeValuesFilesBody,
    dry_run: bool | Unset = False,
) -> Problem | UploadReport | None:
    """Upload values to a bulk promocode (streamed text/CSV body or multipart file)

    Args:
        promocode_id (str):
        dry_run (bool | Unset): Report without storing anything. Default: False.
        body (UploadPromocodeValuesFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadReport
    """

    return (
        await asyncio_detailed(
            promocode_id=promocode_id,
            client=client,
            body=body,
            dry_run=dry_run,
        )
    ).parsed
