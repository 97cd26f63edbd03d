"""Running the workbench notebooks under papermill, and reading what they showed.

``execute`` is the one place a notebook is run (a plain module-level function, so a process pool
can run several at once).  ``Run`` wraps an executed notebook: the outputs of the code cell
whose source contains a snippet (``run.charts("charts.entity_bar")``), the Vega-Lite specs it
emitted, the text of its ``wb-note`` boxes and its HTML.  The spec helpers (``rows``,
``marks``, ``encodings``, ``fields``) look inside layered, faceted and concatenated specs.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_NAMES = ("entity_frequency", "source_bias", "stories", "timeline")
VEGALITE = "application/vnd.vegalite.v6+json"
VEGALITE_V5 = "application/vnd.vegalite.v5+json"

# The note boxes of workbench/notebook.py: <div class='nb-note nb-KIND' style=…>text</div>
# (formerly class 'wb-note', the kind shown only by the colour, also read here).
KINDS = ("info", "warning", "too-little")
_NOTE_COLOURS = {"#2c7fb8": "info", "#c0392b": "warning", "#b9770e": "too-little"}
_NOTE = re.compile(r"<div class=['\"]([^'\"]*\b[wn]b-note\b[^'\"]*)['\"]([^>]*)>(.*?)</div>",
                   re.S)
_COLOUR = re.compile(r"border-left:\s*\d+px solid (#[0-9a-fA-F]{6})")


def execute(name: str, output: str, parameters: dict[str, Any]) -> str:
    """Run notebook ``name`` with papermill into ``output``; return ``output``.

    A failure is re-raised as a RuntimeError carrying papermill's message (the cell and its
    traceback): papermill's own exception does not survive the trip back from a worker
    process."""
    import papermill

    try:
        papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), output,
                                   parameters=parameters, kernel_name="python3",
                                   cwd=str(NOTEBOOKS), progress_bar=False)
    except Exception as exc:
        raise RuntimeError(f"{name}.ipynb with {parameters} failed (partial output: "
                           f"{output}):\n{type(exc).__name__}: {exc}") from None
    return output


@dataclass(frozen=True)
class Note:
    kind: str   # info, warning or too-little
    text: str   # unescaped plain text


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


class Run:
    """An executed notebook."""

    def __init__(self, path: str | Path, parameters: dict[str, Any] | None = None):
        self.path = Path(path)
        self.parameters = dict(parameters or {})
        self.nb = nbformat.read(self.path, as_version=4)

    def __repr__(self) -> str:
        return f"Run({self.path.name}, {self.parameters})"

    # -- cells and outputs -------------------------------------------------------------------
    def code_cells(self) -> list[Any]:
        return [c for c in self.nb.cells if c.cell_type == "code"]

    def cell(self, snippet: str) -> Any:
        """The one code cell whose source contains ``snippet``."""
        found = [c for c in self.code_cells() if snippet in c.source]
        assert len(found) == 1, f"{len(found)} code cells contain {snippet!r} in {self.path}"
        return found[0]

    def outputs(self, snippet: str | None = None) -> list[Any]:
        cells = [self.cell(snippet)] if snippet else self.code_cells()
        return [o for c in cells for o in c.get("outputs", [])]

    def data(self, mimetype: str, snippet: str | None = None) -> list[Any]:
        """Every output value of ``mimetype`` (display data and execute results)."""
        return [o["data"][mimetype] for o in self.outputs(snippet)
                if "data" in o and mimetype in o["data"]]

    def charts(self, snippet: str | None = None) -> list[dict]:
        """The Vega-Lite specs shown (by the cell containing ``snippet``, or anywhere)."""
        return [s if isinstance(s, dict) else json.loads(_text(s))
                for s in self.data(VEGALITE, snippet)]

    def chart(self, snippet: str) -> dict:
        """The single chart the cell containing ``snippet`` showed."""
        found = self.charts(snippet)
        notes = [n.text for n in self.notes(snippet)]
        assert len(found) == 1, f"{snippet}: {len(found)} charts; notes: {notes}"
        return found[0]

    def html(self, snippet: str | None = None) -> list[str]:
        return [_text(h) for h in self.data("text/html", snippet)]

    def notes(self, snippet: str | None = None) -> list[Note]:
        """The note boxes shown, as (kind, plain text)."""
        out = []
        for h in self.html(snippet):
            for classes, attrs, body in _NOTE.findall(h):
                kinds = [c[3:] for c in classes.split() if c[3:] in KINDS]
                colour = _COLOUR.search(attrs)
                kind = kinds[0] if kinds else _NOTE_COLOURS.get(
                    colour.group(1).lower() if colour else "", "info")
                out.append(Note(kind, html.unescape(body)))
        return out

    def note_texts(self, snippet: str | None = None, kind: str | None = None) -> list[str]:
        return [n.text for n in self.notes(snippet) if kind is None or n.kind == kind]


# -- chart specs ---------------------------------------------------------------------------------
_NESTED = ("layer", "hconcat", "vconcat", "concat")


def subspecs(spec: dict) -> list[dict]:
    """``spec`` and every view nested in it (layers, concatenations, facet specs)."""
    found = [spec]
    for key in _NESTED:
        for sub in spec.get(key, []):
            found.extend(subspecs(sub))
    if isinstance(spec.get("spec"), dict):
        found.extend(subspecs(spec["spec"]))
    return found


def marks(spec: dict) -> list[str]:
    out = []
    for s in subspecs(spec):
        if "mark" in s:
            m = s["mark"]
            out.append(m["type"] if isinstance(m, dict) else m)
    return out


def encodings(spec: dict) -> list[dict]:
    return [s["encoding"] for s in subspecs(spec) if "encoding" in s]


def field(channel: Any) -> str | None:
    """The field an encoding channel shows (None for a value or condition)."""
    return channel.get("field") if isinstance(channel, dict) else None


def tooltip_fields(encoding: dict) -> set[str]:
    tips = encoding.get("tooltip", [])
    tips = tips if isinstance(tips, list) else [tips]
    return {t["field"] for t in tips if isinstance(t, dict) and "field" in t}


def rows(spec: dict, view: dict | None = None) -> list[dict]:
    """The inline data rows of ``view`` (a nested view of ``spec``; default: ``spec`` itself,
    falling back to every inline dataset when the view names none)."""
    datasets = spec.get("datasets", {})
    target = view if view is not None else spec
    data = target.get("data")
    if data is None and view is None:
        return [r for d in datasets.values() for r in d]
    assert isinstance(data, dict), f"view has no data: {list(target)}"
    assert "url" not in data, "chart data must be inline, not fetched"
    if "values" in data:
        return list(data["values"])
    return list(datasets[data["name"]])


def title_text(spec: dict) -> tuple[str, str]:
    """(title, subtitle) of a spec."""
    t = spec.get("title", "")
    if isinstance(t, dict):
        sub = t.get("subtitle", "")
        return _text(t.get("text", "")), " ".join(sub) if isinstance(sub, list) else str(sub)
    return str(t), ""
