"""The built web app: files under /assets, index.html for every other browser path; GET and HEAD."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

_RESERVED = ("api/", "health/", "metrics", "docs", "openapi.json", "redoc")

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Sanctum</title>
<p>The web app is not built. Run <code>make run</code>, or <code>make web</code> to build it.</p>"""


def default_dist() -> Path:
    return Path(__file__).resolve().parents[3] / "frontend" / "dist"


def mount_web(app: FastAPI, dist: Path | None) -> None:
    root = (dist or default_dist()).resolve()
    index = root / "index.html"
    if (root / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=root / "assets"), name="assets")
    router = APIRouter(include_in_schema=False)

    @router.api_route("/{path:path}", methods=["GET", "HEAD"], response_model=None)
    async def web_app(path: str) -> Response:
        if path.startswith(_RESERVED):
            raise HTTPException(404)
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            # The service worker is looked for again on each visit: never served from a stale cache.
            headers = {"Cache-Control": "no-cache"} if path == "sw.js" else None
            return FileResponse(candidate, headers=headers)
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(_NOT_BUILT)

    app.include_router(router)
