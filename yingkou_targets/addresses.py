"""Who is asking: the client's address, for login throttling and the metrics allow-list."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or behind a declared proxy (BEHIND_PROXY) the address that proxy appended last to
    X-Forwarded-For. Earlier entries are whatever the client sent and are never believed."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def address_allowed(address, allowed):
    """Whether `address` is one of `allowed` (addresses or networks such as 10.0.0.0/8)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed if entry.strip())
