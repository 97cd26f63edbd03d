"""Annotation on a Dask cluster: each task annotates one partition of articles and writes its
part straight into the annotation store, which the workers reach at the same path (a shared
file system; on one machine, the local cache folder).

- A worker builds the spaCy pipeline once, on its first task (:func:`worker_pipeline` caches
  it in the worker process, keyed by the pipeline's fingerprint); a ``Language`` object never
  travels over the network, only the model name and the knowledge base.
- A task's part is named after its articles (:func:`part_name`), and a task whose part exists
  returns at once: a task retried after its worker died (Dask retries it elsewhere), or run
  twice, writes no second copy, and checking costs one file lookup, however large the store.
  Parts are written atomically, so a killed worker leaves no partial part.
- The client keeps a bounded number of tasks in flight (``workbench.parallel.IN_FLIGHT`` per
  worker thread, recounted every :data:`TOP_UP_SECONDS` as workers join or leave), so the
  scheduler never holds more than those partitions' texts, whatever the corpus's size. With no
  worker at all it says so after ``parallel.WORKER_WAIT`` seconds instead of waiting for ever
  (the connection is ``workbench.parallel.connect``, which the loader's tasks use too).
- A task run again after its run was stopped (a task already running when the client went)
  may publish its part after the next run has started; the articles are then annotated twice
  and read once (the cache reads each key from one part).
- spaCy's ``memory_zone`` frees the strings and vocabulary entries each partition added, so a
  worker's memory stays flat over a long run.

``annotate(..., scheduler="tcp://host:8786")`` (or ``$WORKBENCH_SCHEDULER``, or
``--scheduler``) uses it; with no scheduler, annotation stays local.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from itertools import islice
from pathlib import Path
from typing import Any

from workbench.parallel import RETRIES, connect, room, scheduler_address

__all__ = ["annotate_partition", "part_name", "run_on_cluster", "scheduler_address",
           "worker_pipeline"]

PARTITION_ARTICLES = 50
TOP_UP_SECONDS = 10.0  # how often the client asks how many workers there are

_PIPELINES: dict[str, Any] = {}


def worker_pipeline(model: str, kb: Any, fingerprint: str) -> Any:
    """The pipeline for ``fingerprint`` in this worker process, built on first use."""
    if fingerprint not in _PIPELINES:
        from workbench.annotate.models import choose_model
        from workbench.annotate.pipeline import build_nlp

        _PIPELINES.clear()  # one pipeline per worker: a new fingerprint replaces the old
        _PIPELINES[fingerprint] = build_nlp(choose_model(model), kb)
    return _PIPELINES[fingerprint]


def part_name(jobs: list[Any], fingerprint: str) -> str:
    """The cache part a task annotating ``jobs`` writes: named after the pipeline and the
    articles' keys, so every try of the same task writes the same part."""
    h = hashlib.sha256(fingerprint.encode())
    for key in sorted(job.key for job in jobs):
        h.update(b"\n" + key.encode())
    return f"t-{h.hexdigest()[:30]}"


def annotate_partition(jobs: list[Any], model: str, kb: Any, cache_dir: str,
                       fingerprint: str) -> int:
    """Annotate ``jobs`` on a worker and write them to the store as one part; returns how many
    were annotated: 0 when a previous try of this task had written them (a try running at the
    same time annotates them too, but only one of the two parts is published)."""
    from workbench.annotate.extract import annotate_jobs
    from workbench.cache.annotations import AnnotationStore

    store = AnnotationStore(Path(cache_dir), fingerprint, sweep=False)
    name = part_name(jobs, fingerprint)
    if store.has_part(name):
        return 0
    nlp = worker_pipeline(model, kb, fingerprint)
    zone = getattr(nlp, "memory_zone", None)
    if zone is None:
        results = list(annotate_jobs(nlp, kb, jobs))
    else:
        with zone():
            results = list(annotate_jobs(nlp, kb, jobs))
    store.write_results(results, name)
    return len(results)


def run_on_cluster(todo: list[Any], info: Any, kb: Any, cache_dir: Path, address: str,
                   show: bool) -> None:
    """Annotate ``todo`` on the Dask cluster at ``address`` into the store in ``cache_dir``."""
    from workbench.errors import AnnotateError

    with connect(address, f"annotating {len(todo):,} articles", AnnotateError) as client:
        from distributed import wait as wait_any

        kb_future = client.scatter(kb, broadcast=True)
        parts = iter(enumerate(todo[i:i + PARTITION_ARTICLES]
                               for i in range(0, len(todo), PARTITION_ARTICLES)))
        run = uuid.uuid4().hex[:8]  # this run's tasks: another client's never share a key
        size: dict[str, int] = {}

        def submit(n: int) -> set[Any]:
            out = set()
            for i, part in islice(parts, n):
                future = client.submit(annotate_partition, part, info.model_arg, kb_future,
                                       str(cache_dir), info.fingerprint, retries=RETRIES,
                                       pure=False, key=f"annotate-{run}-{i}")
                size[future.key] = len(part)
                out.add(future)
            return out

        bar = None
        if show:
            from workbench.progress import progress_bar

            bar = progress_bar(total=len(todo), unit="article", desc="annotating (cluster)")
        try:
            pending = submit(room(client, 0))
            asked = time.monotonic()
            while pending:
                try:
                    done, pending = wait_any(pending, timeout=TOP_UP_SECONDS,
                                             return_when="FIRST_COMPLETED")
                except TimeoutError:
                    done = set()
                for future in done:
                    future.result()  # a task that failed on every retry stops the run here
                    finished = size.pop(future.key)
                    if bar is not None:
                        bar.update(finished)
                # One new task for each one done; and every TOP_UP_SECONDS as many as the
                # workers there are now have room for (workers join and leave during a run).
                free = len(done)
                if time.monotonic() - asked > TOP_UP_SECONDS:
                    free, asked = room(client, len(pending)), time.monotonic()
                pending |= submit(free)
        except Exception as exc:
            raise AnnotateError(f"annotation on the cluster failed ({type(exc).__name__}: "
                                f"{exc}); what was finished is in the cache — run again to "
                                "resume") from exc
        finally:
            if bar is not None:
                bar.close()
