"""POST /api/ingest: upload one input file (the raw request body) and ingest it through
`api.ingest` — the same readers, the same per-file error handling as `newsgraph ingest`.
Off unless the app was created with `allow_ingest`; bodies over the size limit are refused
while they stream in. Uploads are kept beside the store (`<db>.uploads/`), named by a hash of
their content, so an article's source path stays readable and a re-upload adds nothing."""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from newsgraph import api

MAX_UPLOAD = 20 * 1024 * 1024  # bytes
SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".warc", ".warc.gz")
_UNSAFE = re.compile(r"[^\w.-]+")


def safe_name(filename: str) -> str:
    """The file's base name with anything but word characters, dots and dashes replaced;
    HTTP 415 unless it ends with a suffix the readers know."""
    base = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip("._") or "upload"
    if not base.lower().endswith(SUFFIXES):
        raise HTTPException(415, f"unsupported file type: {base} (use one of "
                                 f"{', '.join(SUFFIXES)})")
    return base


def ingest_router(db: str, allow: bool, max_bytes: int = MAX_UPLOAD) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["api"])
    one_at_a_time = asyncio.Lock()  # the store has one writer: uploads queue, never collide

    @r.post("/ingest")
    async def ingest(request: Request,
                     filename: Annotated[str, Query(min_length=1, max_length=255)]
                     ) -> dict[str, Any]:
        """Ingest one uploaded file (the request body; `filename` gives its type). Answers
        the run's summary and the input's errors, if any."""
        if not allow:
            raise HTTPException(403, "ingest is disabled: start the server with "
                                     "--allow-ingest")
        name = safe_name(filename)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise HTTPException(413, f"upload larger than {max_bytes:,} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise HTTPException(413, f"upload larger than {max_bytes:,} bytes")
            chunks.append(chunk)
        if size == 0:
            raise HTTPException(422, "the upload is empty")
        data = b"".join(chunks)
        folder = Path(f"{db}.uploads")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}_{name}"
        if not path.exists():
            path.write_bytes(data)
        async with one_at_a_time:
            report = await run_in_threadpool(api.ingest, [str(path)], db)
        return {"file": name, "stored_as": str(path), "summary": report.summary(),
                "errors": [e.to_dict() for e in report.errors]}

    return r
