"""A report configuration file: shared settings and variants, each rendered into its own folder.

```yaml
corpus: data/sample            # optional; --corpus wins (relative to this file)
out: reports                   # optional; --out wins (relative to this file)
notebooks: [entity_frequency, timeline]   # optional; default: every notebook
notebook_dir: notebooks        # optional; --notebook-dir wins (relative to this file)
kb: data/kb/entities.yaml      # optional; --kb wins (relative to this file)
parameters: {top_n: 25}        # shared by every variant; -p wins
variants:                      # optional; each gets reports/<slug>/
  - name: By country
    parameters: {group_by: country}
  - name: November 2025
    parameters: {date_from: "2025-11-01", date_to: "2025-11-30"}
```
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.read.yamlsafe import YAMLBombError, load_yaml
from workbench.report.errors import ReportError

_MAX_CONFIG_BYTES = 1024 * 1024
_KEYS = {"corpus", "out", "notebooks", "notebook_dir", "kb", "parameters", "variants"}


@dataclass
class Variant:
    """One set of parameters to render every notebook with."""

    name: str
    slug: str
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class Config:
    corpus: str | None = None
    out: str | None = None
    notebooks: list[str] | None = None
    notebook_dir: str | None = None
    kb: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)


def slugify(name: str) -> str:
    """A folder name from a variant name: ASCII letters, digits and hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "variant"


def load_config(path: str | Path) -> Config:
    """Read and check a report config; errors name the file and the problem."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:  # a config is small; bound what is read
            raw = fh.read(_MAX_CONFIG_BYTES + 1)
        if len(raw) > _MAX_CONFIG_BYTES:
            raise ReportError(f"{path}: over {_MAX_CONFIG_BYTES // 1024**2} MB; not a report "
                              "config")
        data = load_yaml(raw.decode("utf-8")) or {}
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not UTF-8 text") from None
    except YAMLBombError as exc:
        raise ReportError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ReportError(f"{path}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") \
            from None
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected keys {', '.join(sorted(_KEYS))}")
    unknown = set(data) - _KEYS
    if unknown:
        raise ReportError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; expected "
                          f"{', '.join(sorted(_KEYS))}")
    config = Config(corpus=_relative(_opt_str(data, "corpus", path), path),
                    out=_relative(_opt_str(data, "out", path), path),
                    notebook_dir=_relative(_opt_str(data, "notebook_dir", path), path),
                    kb=_relative(_opt_str(data, "kb", path), path),
                    parameters=_mapping(data.get("parameters"), path, "parameters"))
    if data.get("notebooks") is not None:
        if not isinstance(data["notebooks"], list):
            raise ReportError(f"{path}: notebooks must be a list of notebook names")
        config.notebooks = [str(n) for n in data["notebooks"]]
    seen: set[str] = set()
    for i, item in enumerate(data.get("variants") or [], start=1):
        if not isinstance(item, dict) or not item.get("name"):
            raise ReportError(f"{path}: variant {i} needs a name")
        slug = slugify(str(item["name"]))
        base, n = slug, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        config.variants.append(Variant(str(item["name"]), slug,
                                       _mapping(item.get("parameters"), path,
                                                f"variant '{item['name']}' parameters")))
    return config


def _relative(value: str | None, config: Path) -> str | None:
    """Paths in a config are relative to the config file, wherever it is run from."""
    if value is None:
        return None
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else (config.parent / p).resolve())


def _opt_str(data: dict[str, Any], key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ReportError(f"{path}: {key} must be a path")
    return value


def _mapping(value: Any, path: Path, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ReportError(f"{path}: {what} must be a mapping of name: value")
    return dict(value)
