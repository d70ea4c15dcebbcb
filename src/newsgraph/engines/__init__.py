"""Engines run the map half of the pipeline over batches and hand results back in input order.

- `local`: in-process for one job, a fork process pool for more (engines/local.py);
- `dask`: dask.distributed, a LocalCluster of `jobs` workers or a running cluster at
  `scheduler` (engines/dask.py; imported only when chosen).
"""

from __future__ import annotations

from typing import Any

from newsgraph.config import Settings
from newsgraph.engines.local import LocalEngine
from newsgraph.errors import EngineError

__all__ = ["ENGINES", "LocalEngine", "make_engine"]

ENGINES = ("local", "dask")


def make_engine(settings: Settings, name: str | None = None, jobs: int | None = None,
                scheduler: str | None = None) -> Any:
    """The engine `name` (default: settings.engine) with `jobs` workers (default: settings.jobs).
    A scheduler address implies the dask engine."""
    name = name or settings.engine
    jobs = jobs or settings.jobs
    scheduler = scheduler or settings.scheduler or None
    if scheduler and name == "local":
        name = "dask"
    if name == "local":
        return LocalEngine(settings, jobs)
    if name == "dask":
        try:
            from newsgraph.engines.dask import DaskEngine
        except ImportError as exc:
            raise EngineError("E401", f"the dask engine needs dask.distributed ({exc}); "
                                      "install it with: pip install 'newsgraph[dask]'") from None
        return DaskEngine(settings, jobs, scheduler=scheduler)
    raise EngineError("E401", f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
