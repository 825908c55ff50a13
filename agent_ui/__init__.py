"""The pages, served by the service without a build step: the agent desk (`/agent`) and the
API reference (`/api/docs`, Swagger UI from the npm registry through `package.json` and its
lock, installed by setup and served from `/vendor/`: nothing comes from a CDN).

`/agent` is the agent desk (R5 screen-pops, state, wrap-up); its script and styles are plain
files under `static/`, in Chinese by default with English beside it. The page itself is
public — it shows a login form until the session cookie is there — and everything it
loads afterwards goes through the API's role checks.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).with_name("static")
VENDOR = Path(__file__).with_name("node_modules")
"""Front-end packages from the npm registry (`package.json`, installed by setup)."""
VENDOR_FILES: dict[str, tuple[str, frozenset[str]]] = {
    "swagger-ui": ("swagger-ui-dist", frozenset({"swagger-ui.css", "swagger-ui-bundle.js"})),
}
"""URL name -> (npm package, the only files of it served): nothing else is reachable."""


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


async def api_docs_page(request: web.Request) -> web.FileResponse:
    """The API reference (Swagger UI) over the generated `/api/openapi.json`."""
    response = web.FileResponse(STATIC / "api-docs.html")
    response.headers["Cache-Control"] = "no-cache"
    # Swagger UI styles some elements inline; scripts stay our own and the vendor's.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
    return response


async def vendor_file(request: web.Request) -> web.FileResponse:
    """A listed file of an installed front-end package; a missing install is a 503 that says
    how to fix it, not a bare 404."""
    npm_package, files = VENDOR_FILES.get(request.match_info["package"], ("", frozenset()))
    name = request.match_info["name"]
    if name not in files:
        raise web.HTTPNotFound()
    path = VENDOR / npm_package / name
    if not path.is_file():
        raise web.HTTPServiceUnavailable(
            text=f"{path} is missing: run `bash scripts/setup.sh` (npm ci in agent_ui)")
    response = web.FileResponse(path)
    response.content_type = _TYPES[path.suffix]
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


async def home(request: web.Request) -> web.Response:
    """`/` and `/agent/`: the desk, the one page every signed-in role has for now."""
    raise web.HTTPFound("/agent")


def add_pages(router: web.UrlDispatcher) -> None:
    router.add_get("/", home)
    router.add_get("/agent/", home)
    router.add_get("/agent", agent_page)
    router.add_get("/agent/static/{name}", static_file)
    router.add_get("/api/docs", api_docs_page)
    router.add_get("/vendor/{package}/{name}", vendor_file)


__all__ = ["add_pages"]
