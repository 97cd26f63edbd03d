"""Python kernels started ahead of need, each already importing the workbench.

Starting a kernel and importing pandas and Altair takes a few seconds per notebook; done here,
it overlaps with loading the corpus. A notebook that finds no ready kernel gets a fresh one
from papermill.
"""

from __future__ import annotations

import threading
from typing import Any

WARM_UP = "import workbench.session, workbench.analyze, workbench.charts, workbench.notebook"


class KernelPool:
    """Keeps up to ``size`` started kernels ready, and ``needed`` in total over a run."""

    def __init__(self, size: int, needed: int) -> None:
        self._lock = threading.Lock()
        self._ready: list[Any] = []
        self._live: list[Any] = []
        self._left = needed
        self._closed = False
        for _ in range(min(size, needed)):
            self._start_one()

    def take(self) -> Any:
        """A started kernel manager, or None (papermill then starts one itself)."""
        with self._lock:
            while self._ready:
                km = self._ready.pop(0)
                if _alive(km):
                    break
                _shutdown(km)  # died while waiting: never hand it to a notebook
            else:
                km = None
        self._start_one()  # keep one ready for the next notebook, if any is still to come
        return km

    def release(self, km: Any) -> None:
        """A notebook is done with ``km``."""
        if km is not None:
            _shutdown(km)

    def close(self) -> None:
        """Shut down every kernel the pool started (used or not)."""
        with self._lock:
            self._closed = True
            live, self._live, self._ready = self._live, [], []
        for km in live:
            _shutdown(km)

    def _start_one(self) -> None:
        with self._lock:
            if self._closed or self._left <= 0:
                return
            self._left -= 1
        try:
            from jupyter_client.manager import KernelManager

            km = KernelManager(kernel_name="python3")
            # The kernel runs the imports while it starts, before it answers anyone, outside
            # the notebook's history (IPython's exec_lines).
            km.start_kernel(extra_arguments=[f"--IPKernelApp.exec_lines={WARM_UP}"])
        except Exception:  # noqa: BLE001 — no kernel now; papermill will try and report why
            return
        with self._lock:
            self._live.append(km)
            self._ready.append(km)


def _alive(km: Any) -> bool:
    try:
        return bool(km.is_alive())
    except Exception:  # noqa: BLE001
        return False


def _shutdown(km: Any) -> None:
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 — a kernel that is already gone needs no shutting down
        pass
