"""The one dependency that hands routes their services: `Depends(provide(RoomService))`.

The composition root (`sanctum.services.build_services`) builds every service once into a typed
`Services` container and puts it on the app (`app.state.services`). Routes must not import that
container (it imports every domain, and a domain importing it back would be an import cycle), so they
ask for a service by its class; the container answers with its one instance of that class.

    RoomServiceDep = Annotated[RoomService, Depends(provide(RoomService))]

Every dependency in the app is an `async def` (a plain `def` would hop to the thread pool per request);
tests/contracts/test_dependencies.py keeps it so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from fastapi import Request

T = TypeVar("T")


class ServiceLookup(Protocol):
    def get(self, kind: type[T]) -> T:
        """The app's one instance of `kind`."""
        ...


def provide(kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency returning the app's instance of `kind`.

    An `async def`, like every dependency here: FastAPI runs a plain `def` dependency on a worker
    thread, a round trip that cost more than the rest of a cached request (docs/benchmarks.md)."""

    async def dependency(request: Request) -> T:
        services: ServiceLookup = request.app.state.services
        return services.get(kind)

    dependency.__name__ = f"provide_{kind.__name__}"
    return dependency
