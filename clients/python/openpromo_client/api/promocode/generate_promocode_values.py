from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.generate_report import GenerateReport
from ...models.generate_request import GenerateRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    promocode_id: str,
    *,
    body: GenerateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/promocodes/{promocode_id}/values/generate".format(
            promocode_id=quote(str(promocode_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GenerateReport | Problem | None:
    if response.status_code == 200:
        response_200 = GenerateReport.from_dict(response.json())

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
) -> Response[GenerateReport | Problem]:
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
    body: GenerateRequest,
) -> Response[GenerateReport | Problem]:
    """Generate random values for a bulk promocode

    Args:
        promocode_id (str):
        body (GenerateRequest): Either ``length`` (+ ``charset``, ``prefix``, ``suffix``) or
            ``pattern``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GenerateReport | Problem]
    """

    kwargs = _get_kwargs(
        promocode_id=promocode_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    body: GenerateRequest,
) -> GenerateReport | Problem | None:
    """Generate random values for a bulk promocode

    Args:
        promocode_id (str):
        body (GenerateRequest): Either ``length`` (+ ``charset``, ``prefix``, ``suffix``) or
            ``pattern``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GenerateReport | Problem
    """

    return sync_detailed(
        promocode_id=promocode_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    body: GenerateRequest,
) -> Response[GenerateReport | Problem]:
    """Generate random values for a bulk promocode

    Args:
        promocode_id (str):
        body (GenerateRequest): Either ``length`` (+ ``charset``, ``prefix``, ``suffix``) or
            ``pattern``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GenerateReport | Problem]
    """

    kwargs = _get_kwargs(
        promocode_id=promocode_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    promocode_id: str,
    *,
    client: AuthenticatedClient,
    body: GenerateRequest,
) -> GenerateReport | Problem | None:
    """Generate random values for a bulk promocode

    Args:
        promocode_id (str):
        body (GenerateRequest): Either ``length`` (+ ``charset``, ``prefix``, ``suffix``) or
            ``pattern``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GenerateReport | Problem
    """

    return (
        await asyncio_detailed(
            promocode_id=promocode_id,
            client=client,
            body=body,
        )
    ).parsed
