"""Progress bars (tqdm) for long loads and annotation runs."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any


def progress_bar(iterable: Iterable[Any] | None = None, **options: Any) -> Any:
    """A tqdm bar: a widget in Jupyter when ipywidgets is installed, else the text bar —
    without tqdm's "IProgress not found" warning, which would show under the cell (or fail a
    report's no-stderr check) although the text bar works."""
    from tqdm import TqdmWarning

    options.setdefault("leave", False)
    with warnings.catch_warnings():  # tqdm warns on importing tqdm.auto, and on making a bar
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm

        return tqdm(iterable, **options)
