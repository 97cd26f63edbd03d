"""Python kernels started ahead of need, each already importing the workbench.

Starting a kernel and importing pandas and Altair takes a few seconds per notebook; done here,
it overlaps with loading the corpus. Every notebook of a run gets its kernel from this pool
(started on demand when none is ready), so the run owns every kernel it starts:

- they are *async* kernel managers, as nbclient expects: with a blocking one, nbclient's
  output poll blocks its event loop and a kernel that dies is never noticed (the report hung);
- their connection files (which hold the kernel's HMAC key) live in one folder per run, removed
  when the run ends and swept by the next run when the process was killed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from workbench.report.staging import pid_alive

WARM_UP = "import workbench.session, workbench.analyze, workbench.charts, workbench.notebook"
_RUN_PREFIX = "workbench-kernels-"


class KernelPool:
    """Keeps up to ``size`` started kernels ready, and ``needed`` in total over a run."""

    def __init__(self, size: int, needed: int) -> None:
        self._lock = threading.Lock()
        self._ready: list[Any] = []
        self._live: list[Any] = []
        self._left = needed
        self._closed = False
        sweep_connection_files()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{_RUN_PREFIX}{os.getpid()}-"))
        for _ in range(min(size, needed)):
            self._start_one()

    @property
    def closed(self) -> bool:
        return self._closed

    def take(self) -> Any:
        """A started kernel manager, or None when none could be started (papermill then
        starts one itself and reports why it fails)."""
        with self._lock:
            km = None
            while self._ready:
                candidate = self._ready.pop(0)
                if _alive(candidate):
                    km = candidate
                    break
                _shutdown(candidate)  # died while waiting: never hand it to a notebook
        if km is None and not self._closed:
            with self._lock:
                self._left += 1  # this one is started now, on demand
            km = self._start_one(ready=False)
        self._start_one()  # keep one ready for the next notebook, if any is still to come
        return km

    def release(self, km: Any) -> None:
        """A notebook is done with ``km``."""
        if km is not None:
            _shutdown(km)
            with self._lock:
                if km in self._live:
                    self._live.remove(km)

    def close(self) -> None:
        """Shut down every kernel the pool started (used or not) and remove their files."""
        with self._lock:
            self._closed = True
            live, self._live, self._ready = self._live, [], []
        for km in live:
            _shutdown(km)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _start_one(self, ready: bool = True) -> Any:
        with self._lock:
            if self._closed or self._left <= 0:
                return None
            self._left -= 1
        try:
            from jupyter_client.manager import AsyncKernelManager
            from jupyter_core.utils import run_sync

            km = AsyncKernelManager(kernel_name="python3", connection_file=str(
                self.folder / f"kernel-{uuid.uuid4().hex}.json"))
            # The kernel runs the imports while it starts, before it answers anyone, outside
            # the notebook's history (IPython's exec_lines).
            run_sync(km.start_kernel)(extra_arguments=[f"--IPKernelApp.exec_lines={WARM_UP}"])
        except Exception:  # noqa: BLE001 — no kernel now; papermill will try and report why
            return None
        with self._lock:
            self._live.append(km)
            if ready:
                self._ready.append(km)
            closed = self._closed
        if closed:  # closed while this one was starting
            _shutdown(km)
            return None
        return km


def sweep_connection_files() -> None:
    """Remove the connection-file folders of runs whose process is gone (killed runs)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_RUN_PREFIX}*"):
        try:
            pid = int(folder.name[len(_RUN_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not pid_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(km: Any) -> bool:
    try:
        from jupyter_core.utils import run_sync

        return bool(run_sync(km.is_alive)())
    except Exception:  # noqa: BLE001
        return False


def _shutdown(km: Any) -> None:
    try:
        from jupyter_core.utils import run_sync

        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 — a kernel that is already gone needs no shutting down
        pass
    try:
        km.cleanup_connection_file()
    except Exception:  # noqa: BLE001
        pass
