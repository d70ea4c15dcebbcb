"""/docs: FastAPI's Swagger UI page, loading swagger-ui-dist from the package's own static
folder (static/vendor/swagger-ui/, see its VERSION file) instead of a CDN, so it works
offline. The page's one inline script (the SwaggerUIBundle call FastAPI writes) is allowed by
its hash, not by 'unsafe-inline'."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

VENDOR = "/static/vendor/swagger-ui"
_INLINE = re.compile(r"<script>(.*?)</script>", re.S)


def _csp(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _INLINE.findall(html))
    # Swagger UI sets inline styles and data: images itself; everything else is this server
    return (f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' "
            "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def docs_router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/docs")
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json", title="newsgraph · Swagger UI",
            swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR}/swagger-ui.css",
            swagger_favicon_url=f"{VENDOR}/favicon-32x32.png",
            # no "valid spec" badge: Swagger UI would fetch it from its validator service
            swagger_ui_parameters={"validatorUrl": None})
        html = bytes(page.body).decode()
        # a language for screen readers, and a way back to the app (Swagger's page has neither)
        html = html.replace("<html>", '<html lang="en">', 1).replace(
            "<body>", '<body><p style="margin:.5rem 1rem;font-family:sans-serif">'
            '<a href="/">← newsgraph</a> · <a href="/api-docs">API reference</a></p>', 1)
        return HTMLResponse(html, headers={"Content-Security-Policy": _csp(html)})

    return r
