"""The papermill engine the reports run on: nbclient's, saving the output notebook once.

Papermill's own engine rewrites the whole output notebook (validated and deep-copied) at the
start and end of every cell; for a report that is a tenth of its time and all of it in the
process that runs the notebooks side by side. This one writes when execution ends — normally,
on a cell error, a timeout or a dead kernel alike, since papermill finalises the notebook in a
``finally`` — so a failed notebook still leaves its outputs up to the failure.
"""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE = "workbench"


class _SaveAtEnd(NotebookExecutionManager):
    def save(self, **kwargs: Any) -> None:
        if self.end_time is not None:  # set by notebook_complete(), which runs in a finally
            super().save(**kwargs)


class WorkbenchEngine(NBClientEngine):
    """``NBClientEngine`` with the notebook written once, when execution ends."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None,
                         progress_bar: bool = True, log_output: bool = False,
                         autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        # As papermill's Engine.execute_notebook, with the manager above.
        nb_man = _SaveAtEnd(nb, output_path=output_path, progress_bar=progress_bar,
                            log_output=log_output, autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE, WorkbenchEngine)
