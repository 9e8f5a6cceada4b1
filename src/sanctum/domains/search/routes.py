"""HTTP routes of search: parse, authenticate, call the service, serialize."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.search.deps import SearchServiceDep
from sanctum.domains.search.query import MAX_QUERY
from sanctum.domains.search.schemas import SearchKind, SearchResults

search = DomainRouter(prefix="/api/search", tags=["search"], responses=ERROR_RESPONSES)


@search.get("", response_model=SearchResults, dependencies=[per_account("search")])
async def search_everything(
    actor: CurrentActor,
    service: SearchServiceDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY,
            description="Words (the last one matches as a prefix) and filters: `from:@user`, `in:#room`, "
            "`before:YYYY-MM-DD`, `after:YYYY-MM-DD`, `has:link`, `has:file`.",
        ),
    ],
    kind: Annotated[SearchKind | None, Query(description="One group only; `cursor` pages it.")] = None,
    cursor: Annotated[str | None, Query(max_length=512, description="The group's `next_cursor`.")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResults:
    """Search what the caller may read: messages in their rooms and DMs, posts and comments where visible,
    sanctums, rooms and people. Snippets are text segments, `match` marking the words found."""
    return await service.search(actor, q, kind, cursor, limit)
