"""Annotation on a Dask cluster: each task annotates one partition of articles and writes its
part straight into the annotation store, which the workers reach at the same path (a shared
file system; on one machine, the local cache folder).

- A worker builds the spaCy pipeline once, on its first task (:func:`worker_pipeline` caches
  it in the worker process, keyed by the pipeline's fingerprint); a ``Language`` object never
  travels over the network, only the model name and the knowledge base.
- A task first drops the articles the store already holds, so a task retried after its worker
  died (Dask retries it elsewhere) writes no second copy; parts are written atomically, so a
  killed worker leaves no partial part.
- spaCy's ``memory_zone`` frees the strings and vocabulary entries each partition added, so a
  worker's memory stays flat over a long run.

``annotate(..., scheduler="tcp://host:8786")`` (or ``$WORKBENCH_SCHEDULER``, or
``--scheduler``) uses it; with no scheduler, annotation stays local.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ENV_VAR = "WORKBENCH_SCHEDULER"
PARTITION_ARTICLES = 50
RETRIES = 3

_PIPELINES: dict[str, Any] = {}


def scheduler_address(given: str | None) -> str | None:
    """``given``, else ``$WORKBENCH_SCHEDULER``, else None (annotate locally)."""
    return given or os.environ.get(ENV_VAR) or None


def worker_pipeline(model: str, kb: Any, fingerprint: str) -> Any:
    """The pipeline for ``fingerprint`` in this worker process, built on first use."""
    if fingerprint not in _PIPELINES:
        from workbench.annotate.models import choose_model
        from workbench.annotate.pipeline import build_nlp

        _PIPELINES.clear()  # one pipeline per worker: a new fingerprint replaces the old
        _PIPELINES[fingerprint] = build_nlp(choose_model(model), kb)
    return _PIPELINES[fingerprint]


def annotate_partition(jobs: list[Any], model: str, kb: Any, cache_dir: str,
                       fingerprint: str) -> int:
    """Annotate ``jobs`` on a worker and write them to the store as one part; returns how many
    were annotated (0 when a previous try of this task already wrote them)."""
    from workbench.annotate.extract import annotate_jobs
    from workbench.cache.annotations import AnnotationStore

    store = AnnotationStore(Path(cache_dir), fingerprint)
    known = store.known_keys()
    todo = [job for job in jobs if job.key not in known]
    if not todo:
        return 0
    nlp = worker_pipeline(model, kb, fingerprint)
    zone = getattr(nlp, "memory_zone", None)
    if zone is None:
        results = list(annotate_jobs(nlp, kb, todo))
    else:
        with zone():
            results = list(annotate_jobs(nlp, kb, todo))
    store.write_results(results)
    return len(results)


def run_on_cluster(todo: list[Any], info: Any, kb: Any, cache_dir: Path, address: str,
                   show: bool) -> None:
    """Annotate ``todo`` on the Dask cluster at ``address`` into the store in ``cache_dir``."""
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - an install without the cluster extra
        from workbench.errors import AnnotateError

        raise AnnotateError("annotating on a cluster needs dask.distributed: pip install "
                            "'dask[distributed]'") from None
    from workbench.errors import AnnotateError

    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise AnnotateError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    try:
        print(f"annotating {len(todo):,} articles on the Dask cluster at {address} "
              f"(dashboard: {client.dashboard_link})", file=sys.stderr)
        kb_future = client.scatter(kb, broadcast=True)
        parts = [todo[i:i + PARTITION_ARTICLES] for i in range(0, len(todo),
                                                                PARTITION_ARTICLES)]
        futures = [client.submit(annotate_partition, part, info.model_arg, kb_future,
                                 str(cache_dir), info.fingerprint, retries=RETRIES,
                                 pure=False, key=f"annotate-{info.fingerprint[:8]}-{i}-"
                                                 f"{part[0].key[:8]}")
                   for i, part in enumerate(parts)]
        bar = None
        if show:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), unit="article", desc="annotating (cluster)",
                       leave=False)
        size = {f.key: len(p) for f, p in zip(futures, parts, strict=True)}
        try:
            for future in as_completed(futures):
                future.result()  # a task that failed on every retry stops the run here
                if bar is not None:
                    bar.update(size[future.key])
        except Exception as exc:
            raise AnnotateError(f"annotation on the cluster failed ({type(exc).__name__}: "
                                f"{exc}); what was finished is in the cache — run again to "
                                "resume") from exc
        finally:
            if bar is not None:
                bar.close()
    finally:
        client.close()

