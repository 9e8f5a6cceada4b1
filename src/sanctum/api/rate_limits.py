"""Declaring a route's rate limit: `dependencies=[per_ip("register_per_ip")]` beside the route.

Every write route names the limit it spends, next to its path (tests/contracts/test_rate_limits.py
keeps it so); services hold no limiting code. `per_ip` is for routes without an account; routes with
one use `domains.accounts.deps.per_account`, built on `limit_dependency` here. A name is checked
against the settings at import, so a typo fails at start, not at the first request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from sanctum.api.deps import provide
from sanctum.ratelimit import RateLimiter
from sanctum.settings import RateLimitSettings

LimiterDep = Annotated[RateLimiter, Depends(provide(RateLimiter))]
RATE_LIMIT_ATTRIBUTE = "rate_limit"


def limit_name(name: str, *, per_ip: bool) -> str:
    """`name` if the settings have it and its scope is right (`_per_ip` names count per address)."""
    if name not in RateLimitSettings().names():
        raise ValueError(f"no rate limit named {name!r} in RateLimitSettings")
    if name.endswith("_per_ip") != per_ip:
        raise ValueError(f"rate limit {name!r} is {'not ' if per_ip else ''}counted per IP")
    return name


def mark(dependency: Callable[..., Awaitable[None]], name: str) -> Any:
    """`Depends(dependency)`, marked with the limit it spends (what the contract test looks for)."""
    setattr(dependency, RATE_LIMIT_ATTRIBUTE, name)
    dependency.__name__ = f"rate_limit_{name}"
    return Depends(dependency)


def per_ip(name: str) -> Any:
    """A dependency spending one of the client address's allowance of the named limit."""
    name = limit_name(name, per_ip=True)

    async def dependency(request: Request, limiter: LimiterDep) -> None:
        await limiter.hit(name, request.client.host if request.client else "")

    return mark(dependency, name)
