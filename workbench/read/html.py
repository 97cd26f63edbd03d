"""Saved web pages: main text and metadata via trafilatura (no hand-written HTML parsing)."""

from __future__ import annotations

from workbench.read.records import Record, parse_date_value


def read_html(path: str, html: str) -> Record:
    """A Record from a decoded .html file: trafilatura's main text, title, author, site, date, url.

    The date comes only from the page's metadata markup (no guessing from the text here; the
    corpus layer infers from the text, with provenance, when this is missing).
    """
    import trafilatura  # heavy import; only needed when a folder holds HTML

    record = Record(path=path, raw_text=html)
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, favor_recall=True, include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        record.body = ""
        record.warnings.append("no main text found in the HTML")
        return record
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = meta.get("text") or ""
    title = meta.get("title")
    if title and text.startswith(title):
        text = text[len(title):].lstrip("\n")  # trafilatura repeats the <h1> as the first line
    record.body = text
    record.set("title", title, "html")
    record.set("author", meta.get("author"), "html")
    record.set("url", meta.get("url"), "html")
    record.set("outlet", meta.get("sitename"), "html")
    try:
        record.set("published", parse_date_value(meta.get("date")), "html")
    except ValueError as exc:
        record.warnings.append(f"page date {exc}; publication date left to inference")
    return record
