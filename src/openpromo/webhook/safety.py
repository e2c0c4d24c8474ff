"""Where a webhook may be sent: https (http only if the operator allows it), and only to
public addresses — the host is resolved and every address it resolves to is checked, unless
the operator allows private destinations.

Checked at creation and update (``check_destination``) and again by the worker on **every
new connection**, and the connection goes to the very addresses that passed: the worker's
HTTP client resolves names through ``PinnedResolver`` (``webhook/transport.py``), which runs
the same check on the one resolution the connection uses. So a name that answers a public
address to the check and 127.0.0.1 a moment later (DNS rebinding) cannot reach loopback:
there is no second resolution. An address written in the URL is checked without DNS
(``check_literal``). Redirects are never followed (a 3xx answer is a failed attempt), so a
public URL cannot bounce a request to an internal one."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from urllib.parse import urlsplit

from openpromo.config import get_settings


class UnsafeUrl(ValueError):
    """The reason a URL may not be used, for a person."""


class RefusedDestination(OSError):
    """``UnsafeUrl`` raised inside the HTTP client's name resolution (which expects an
    ``OSError``): the connection is refused before it is made."""


def check_shape(url: str) -> tuple[str, int]:
    """Scheme and host of ``url`` (no DNS); raises ``UnsafeUrl``."""
    settings = get_settings()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"not a valid URL: {exc}") from exc
    allowed = ("https", "http") if settings.webhook_allow_http else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeUrl(
            "must start with https://"
            if not settings.webhook_allow_http
            else "must start with https:// or http://"
        )
    if not parts.hostname:
        raise UnsafeUrl("has no host")
    if parts.username or parts.password:
        raise UnsafeUrl("must not carry a user name or password")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _refuse(host: str, refused: list[str]) -> UnsafeUrl:
    return UnsafeUrl(
        f"its host {host} resolves to a private, loopback or link-local address "
        f"({', '.join(refused)}), which the operator does not allow"
    )


async def getaddrinfo(host: str, port: int, family: int = 0) -> list[tuple[int, str]]:
    """(family, address) for every address ``host`` resolves to. The one resolution of
    webhooks (the check and the connection both use it); tests replace it."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, family=family, type=socket.SOCK_STREAM
    )
    return [(int(info[0]), str(info[4][0])) for info in infos]


async def resolve_public(host: str, port: int, family: int = 0) -> list[tuple[int, str]]:
    """The addresses of ``host``, all of them public (unless the operator allows private
    ones); raises ``UnsafeUrl``. What is returned is what may be connected to."""
    try:
        found = await getaddrinfo(host, port, family)
    except OSError as exc:
        raise UnsafeUrl(f"its host {host} cannot be resolved") from exc
    if not found:
        raise UnsafeUrl(f"its host {host} cannot be resolved")
    if not get_settings().webhook_allow_private_destinations:
        refused = sorted({address for _, address in found if not _public(address)})
        if refused:
            raise _refuse(host, refused)
    return found


def check_literal(url: str) -> None:
    """The check the worker makes before every attempt: the shape, and an address written
    in the URL (the HTTP client connects to one without resolving it). Names are checked
    at connection time by ``PinnedResolver``."""
    settings = get_settings()
    refused = _literal_refusal(
        url, settings.webhook_allow_http, settings.webhook_allow_private_destinations
    )
    if refused is not None:
        raise UnsafeUrl(refused)


@functools.lru_cache(maxsize=4096)
def _literal_refusal(url: str, _allow_http: bool, allow_private: bool) -> str | None:
    # Per URL and settings (the settings are in the key): parsing every URL again for every
    # attempt showed in the worker's profile.
    try:
        host, _port = check_shape(url)
        if _literal(host) and not allow_private and not _public(host):
            raise _refuse(host, [host])
    except UnsafeUrl as exc:
        return str(exc)
    return None


async def check_destination(url: str) -> None:
    """The whole check: shape, then every resolved address public (unless allowed)."""
    host, port = check_shape(url)
    if get_settings().webhook_allow_private_destinations:
        return
    await resolve_public(host, port)
