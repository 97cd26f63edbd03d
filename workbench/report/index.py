"""``index.html``: one line per report (title, status, summary) — a static, offline page."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 960px; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
.sub {{ color: #555; margin-top: 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 1.2rem 0; }}
th, td {{ text-align: left; padding: .5rem .6rem; border-bottom: 1px solid #e3e3e3;
          vertical-align: top; }}
th {{ font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #666; }}
.ok {{ color: #1e7b34; font-weight: 600; }} .failed {{ color: #b3261e; font-weight: 600; }}
.warn {{ background: #fdf1f0; border-left: 4px solid #c0392b; padding: .5rem .8rem; }}
footer {{ margin-top: 2rem; font-size: .8rem; color: #555; border-top: 1px solid #ddd;
          padding-top: .6rem; }}
footer dt {{ font-weight: 600; }} footer dd {{ margin: 0 0 .4rem 0; word-break: break-word; }}
</style></head><body>
<h1>{title}</h1>
<p class="sub">{subtitle}</p>
{warning}
{notes}
<table><thead><tr><th>Report</th><th>Status</th><th>Time</th><th>Summary</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<footer><dl>{footer}</dl></footer>
</body></html>
"""


def _notes(notes: Sequence[str], shown: int = 20) -> str:
    if not notes:
        return ""
    e = html.escape
    items = "".join(f"<li>{e(n)}</li>" for n in notes[:shown])
    more = f"<li>… {len(notes) - shown} more in manifest.json</li>" if len(notes) > shown else ""
    return (f"<details><summary>{len(notes)} note{'s' if len(notes) != 1 else ''} from "
            f"loading and annotating the corpus</summary><ul>{items}{more}</ul></details>")


def _row(r: Mapping[str, Any]) -> str:
    e = html.escape
    seconds = "" if r.get("seconds") is None else f"{r['seconds']:.1f} s"
    status = "ok" if r["status"] == "ok" else "failed"
    return (f"<tr><td><a href=\"{e(r['href'])}\">{e(r['title'])}</a></td>"
            f"<td class=\"{status}\">{e(r['status'])}</td><td>{seconds}</td>"
            f"<td>{e(r.get('summary') or '')}</td></tr>")


def write_index(path: Path, *, title: str, subtitle: str, rows: Sequence[Mapping[str, Any]],
                footer: Mapping[str, str], warning: str | None = None,
                notes: Sequence[str] = ()) -> Path:
    """Write the index page. ``rows``: {href, title, status, seconds, summary}; ``notes``: what
    loading and annotation reported (problem files, articles without text…). Every string is
    escaped (titles, summaries and notes may quote the corpus)."""
    e = html.escape
    body = "\n".join(_row(r) for r in rows)
    page = _PAGE.format(
        title=e(title), subtitle=e(subtitle), rows=body,
        warning=f"<p class=\"warn\">{e(warning)}</p>" if warning else "",
        notes=_notes(notes),
        footer="".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in footer.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
