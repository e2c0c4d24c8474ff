"""Where a webhook may be sent: https (http only if the operator allows it), and only to
public addresses — the host is resolved and every address it resolves to is checked, at
creation and again before every attempt (DNS can change), unless the operator allows private
destinations. Redirects are never followed (a 3xx answer is a failed attempt), so a public
URL cannot bounce a request to an internal one."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from openpromo.config import get_settings


class UnsafeUrl(ValueError):
    """The reason a URL may not be used, for a person."""


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


async def check_destination(url: str) -> None:
    """The whole check: shape, then every resolved address public (unless allowed)."""
    host, port = check_shape(url)
    if get_settings().webhook_allow_private_destinations:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafeUrl(f"its host {host} cannot be resolved") from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    refused = [a for a in addresses if not _public(a)]
    if not addresses or refused:
        raise UnsafeUrl(
            f"its host {host} resolves to a private, loopback or link-local address "
            f"({', '.join(refused)}), which the operator does not allow"
        )
