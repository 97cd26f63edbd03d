"""One pure function over many tasks: in this process, in local worker processes, or on a Dask
cluster, with the results in the tasks' order and a bounded number of tasks in flight.

The loader uses it for its per-record and per-outlet work (``workbench.corpus.load``);
annotation has its own task loop, since its tasks write to the cache instead of returning
tables (``workbench.annotate.distributed``), but connects through :func:`connect`.

- ``scheduler`` (or ``$WORKBENCH_SCHEDULER``): tasks go to that cluster. Task arguments travel
  to the workers and results come back, so the input files need not be on a shared file system.
- ``jobs > 1``: local processes, started with ``spawn`` (a forked process could inherit a held
  lock from a thread), only when there are enough tasks to pay for starting them.
- Otherwise the tasks run here, one after the other.

Whichever way, the results are the same: every task is a pure function of its arguments.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import Any

from workbench.errors import WorkbenchError

ENV_VAR = "WORKBENCH_SCHEDULER"
RETRIES = 3
IN_FLIGHT = 3  # tasks submitted per worker thread: one running, the next ones queued
WORKER_WAIT = 120.0  # seconds to wait for a first worker before giving up
MIN_LOCAL_TASKS = 4  # fewer tasks than this run here: starting processes would cost more


def scheduler_address(given: str | None) -> str | None:
    """``given``, else ``$WORKBENCH_SCHEDULER``, else None (work locally)."""
    return given or os.environ.get(ENV_VAR) or None


@contextlib.contextmanager
def connect(address: str, what: str, error: type[WorkbenchError]) -> Iterator[Any]:
    """A ``distributed.Client`` on the cluster at ``address`` with at least one worker; says
    what it is doing there (``what``, e.g. "loading 10,000 articles") and the dashboard's
    address on stderr. Raises ``error`` when the cluster cannot be reached or has no worker."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - an install without dask.distributed
        raise error("working on a cluster needs dask.distributed: pip install "
                    "'dask[distributed]'") from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise error(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    try:
        print(f"{what} on the Dask cluster at {address} (dashboard: {client.dashboard_link})",
              file=sys.stderr)
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError:
            raise error(f"no worker joined the Dask cluster at {address} within "
                        f"{WORKER_WAIT:.0f} s: start some (dask worker {address})") from None
        yield client
    finally:
        client.close()


def room(client: Any, in_flight: int) -> int:
    """How many more tasks to give the cluster: :data:`IN_FLIGHT` per worker thread, less
    those ``in_flight``."""
    return max(0, IN_FLIGHT * max(1, sum(client.nthreads().values())) - in_flight)


def ordered_map(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], *, jobs: int = 1,
                scheduler: str | None = None, what: str = "working",
                error: type[WorkbenchError] = WorkbenchError) -> Iterator[Any]:
    """``fn(*task)`` for each task, in order. ``fn`` must be a module-level function (it is
    pickled by reference). ``tasks`` is consumed as room frees up, so a lazy iterable keeps
    only the tasks in flight in memory; fewer than :data:`MIN_LOCAL_TASKS` tasks never start
    local processes, nor does a plain script without a main guard (spawned workers would run
    it again). A task that fails raises ``error`` naming ``what``."""
    address = scheduler_address(scheduler)
    if address:
        yield from _on_cluster(fn, iter(tasks), address, what, error)
        return
    queue = iter(tasks)
    head = list(islice(queue, MIN_LOCAL_TASKS)) if jobs > 1 else []
    if len(head) >= MIN_LOCAL_TASKS and unguarded_script() is None:
        yield from _in_processes(fn, chain(head, queue), jobs, what, error)
        return
    for task in chain(head, queue):
        yield fn(*task)


def unguarded_script() -> str | None:
    """The path of the running ``__main__`` script when it is a file without an
    ``if __name__ == "__main__":`` block, else None (notebooks, ``-c``, the CLI, guarded
    scripts)."""
    import ast
    from pathlib import Path

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or getattr(main, "__spec__", None) is not None:  # `python -m`, entry points
        return None
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            return None
    return str(path)


def _in_processes(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], jobs: int,
                  what: str, error: type[WorkbenchError]) -> Iterator[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    queue = iter(tasks)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        running = deque(pool.submit(fn, *t) for t in islice(queue, 2 * jobs))
        while running:
            try:
                result = running.popleft().result()
            except Exception as exc:  # a worker died (out of memory, killed) or the task failed
                raise error(f"{what} failed in a worker process ({type(exc).__name__}: "
                            f"{exc}); run again with --jobs 1 to see where") from exc
            running.extend(pool.submit(fn, *t) for t in islice(queue, 1))
            yield result


def _on_cluster(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], address: str,
                what: str, error: type[WorkbenchError]) -> Iterator[Any]:
    queue = iter(tasks)
    run = uuid.uuid4().hex[:8]  # this run's task keys: another client's never share one
    with connect(address, what, error) as client:
        counter = iter(range(sys.maxsize))

        def submit(n: int) -> list[Any]:
            return [client.submit(fn, *t, retries=RETRIES, pure=False,
                                  key=f"{fn.__name__}-{run}-{next(counter)}")
                    for t in islice(queue, n)]

        running = deque(submit(room(client, 0)))
        while running:
            future = running.popleft()
            try:
                result = future.result()
            except Exception as exc:
                raise error(f"{what} on the cluster failed ({type(exc).__name__}: {exc})"
                            ) from exc
            future.release()
            # Keep the cluster busy: top up to what its workers (now) have room for.
            running.extend(submit(max(1, room(client, len(running)))))
            yield result
