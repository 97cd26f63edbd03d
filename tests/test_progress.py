"""Progress bars in a Jupyter kernel without ipywidgets: the text bar, and no warning under the
cell (a report's notebooks must not write to stderr)."""

from __future__ import annotations

import subprocess
import sys

import pytest

KERNEL_WITHOUT_WIDGETS = """
import warnings
import ipykernel.zmqshell  # what tqdm.auto takes for a Jupyter kernel
warnings.simplefilter("always")  # every warning is printed to stderr
from workbench.progress import progress_bar
bar = progress_bar(range(3), desc="annotating")
print(type(bar).__module__, sum(bar))
"""


def test_a_kernel_without_ipywidgets_gets_the_text_bar_without_a_warning():
    pytest.importorskip("ipykernel")
    try:
        import ipywidgets  # noqa: F401
        pytest.skip("ipywidgets is installed: tqdm draws a widget, no fallback to test")
    except ImportError:
        pass
    run = subprocess.run([sys.executable, "-c", KERNEL_WITHOUT_WIDGETS], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "IProgress" not in run.stderr
    module, total = run.stdout.split()
    assert "notebook" not in module and total == "3"  # the text bar, and it iterates
