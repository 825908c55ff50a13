"""The agent desk page, served by the service without a build step.

`/agent` is the agent desk (R5 screen-pops, state, wrap-up); its script and styles are plain
files under `static/`, in Chinese by default with English beside it. The page itself is
public — it shows a login form until the session cookie is there — and everything it
loads afterwards goes through the API's role checks.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).with_name("static")


async def agent_page(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(STATIC / "agent.html")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'")
    return response


_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}


async def static_file(request: web.Request) -> web.FileResponse:
    """One of the page's own files, by name; nothing else under the directory is served."""
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in _TYPES or not path.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(path)
    response.content_type = _TYPES[path.suffix]
    response.headers["Cache-Control"] = "no-cache"
    return response


async def home(request: web.Request) -> web.Response:
    """`/` and `/agent/`: the desk, the one page every signed-in role has for now."""
    raise web.HTTPFound("/agent")


def add_pages(router: web.UrlDispatcher) -> None:
    router.add_get("/", home)
    router.add_get("/agent/", home)
    router.add_get("/agent", agent_page)
    router.add_get("/agent/static/{name}", static_file)


__all__ = ["add_pages"]
