"""The review file of ``workbench kb suggest`` and ``workbench kb add``, which merges an edited
one into a knowledge-base file.

The review file is YAML the researcher edits: one entry per suggestion with an ``action``
(``add`` a new entity, ``merge`` its spellings into the knowledge-base entity ``merge_into``,
or ``skip``), the entity fields to check (``id``, ``name``, ``type``, ``affiliation``,
``aliases``), and read-only ``evidence``.  Entries start as ``add`` (``merge`` when the
knowledge base has the entity), or ``skip`` when the evidence needs a look first: an ambiguous
surname, a name folded into a full name, a type conflict.  :func:`add_reviewed` appends the
new entities and inserts the merged aliases as text, so the knowledge base's comments and
layout survive, and validates the result with :func:`workbench.annotate.kb.load_kb` before
replacing the file: a bad edit is one :class:`~workbench.annotate.kb.KBError` naming the file
and line, and the file is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from workbench.annotate.kb import KBError, KnowledgeBase, default_kb_path, load_kb
from workbench.annotate.kb_suggest import is_entity_like, title_leftover

ACTIONS = ("add", "merge", "skip")

HEADER = """\
# workbench kb suggest: people and organisations this corpus mentions that the knowledge base
# does not know, most mentioned first. Edit, then run:  workbench kb add THIS_FILE --kb YOUR.yaml
#
# For each entry choose `action`:
#   add   - a new entity: check `type` (PERSON | ORG | PLACE | GROUP | EVENT | OTHER), fill in
#           `affiliation` (Russia, Ukraine, US, UK, EU, NATO, international, a country...), use a
#           Wikidata QID as `id` only when you are sure of it, and keep only real `aliases`;
#   merge - the same entity as the knowledge base's `merge_into`: its `aliases` are added there;
#   skip  - not an entity, or not needed.
# `evidence` (counts, example sentences, candidate merges, type conflicts) is for reading only.
"""


@dataclass
class AddResult:
    """What :func:`add_reviewed` did."""

    path: Path
    added: list[str] = field(default_factory=list)  # ids of new entities
    merged: dict[str, list[str]] = field(default_factory=dict)  # id -> aliases added
    skipped: int = 0
    notes: list[str] = field(default_factory=list)  # aliases left out, and why


def review_entries(suggestions: pd.DataFrame) -> list[dict[str, Any]]:
    """Review-file entries for :func:`~workbench.annotate.kb_suggest.suggest` rows.  A
    one-word person name that ends exactly one suggested full name becomes an alias of it
    ("Haley" under Nikki Haley) and its own entry is ``skip``."""
    rows = [{k: (None if _missing(v) else v) for k, v in r.items()}
            for r in suggestions.to_dict("records")]
    by_name = {r["name"]: r for r in rows}
    absorbed: dict[str, str] = {}
    surnames: dict[str, set[str]] = {}
    first_names: set[str] = set()
    for r in rows:
        if r["type"] == "PERSON" and " " in r["name"]:
            surnames.setdefault(r["name"].split()[-1], set()).add(r["name"])
            first_names.add(r["name"].split()[0])
    for r in rows:
        full = [s.rsplit(" (", 1)[0] for s in r["surname_of"]]
        if r["type"] == "PERSON" and len(full) == 1 and full[0] in by_name \
                and not r["merge_into"]:
            absorbed[r["name"]] = full[0]
    entries = []
    for r in rows:
        # Other spellings; a person's bare surname only when no other suggested person has
        # it ("Obama" yes; "Clinton", Hillary's and Bill's, no): an exact alias links them all.
        aliases = [r["name"]] + [a for a in r["spellings"] if a != r["name"]
                                 and is_entity_like(a) and not title_leftover(a)
                                 and not (r["type"] == "PERSON" and " " not in a
                                          and (len(surnames.get(a, ())) > 1
                                               or a in first_names))]
        aliases += [short for short, full in absorbed.items() if full == r["name"]]
        ambiguous = r["type"] == "PERSON" and " " not in r["name"] \
            and len(surnames.get(r["name"], ())) > 1
        if r["name"] in absorbed or ambiguous or (r["type_conflict"] and not r["merge_into"]):
            action = "skip"  # a type conflict needs a look first: set add once the type is right
        elif r["merge_into"]:
            action = "merge"
        else:
            action = "add"
        evidence: dict[str, Any] = {"mentions": r["mentions"], "articles": r["articles"],
                                    "outlets": r["outlets"], "examples": r["examples"]}
        if ambiguous:
            evidence["ambiguous"] = "the surname of " + ", ".join(sorted(surnames[r["name"]]))
        if r["name"] in absorbed:
            evidence["alias_of"] = f"{absorbed[r['name']]} (added there as an alias)"
        for col in ("surname_of", "variants"):
            if r[col]:
                evidence[col] = r[col]
        if r["merge_into"]:
            evidence["knowledge_base_match"] = f"{r['merge_name']} ({r['merge_into']})"
        if r["type_conflict"]:
            evidence["type_conflict"] = r["type_conflict"]
        entries.append({"action": action, "id": r["entity_id"], "name": r["name"],
                        "type": r["type"], "affiliation": None,
                        "aliases": list(dict.fromkeys(aliases)),
                        "merge_into": r["merge_into"], "evidence": evidence})
    return entries


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def write_review(suggestions: pd.DataFrame, path: str | Path) -> Path:
    """Write the review file for ``suggestions``; returns its path."""
    path = Path(path)
    body = yaml.safe_dump({"suggestions": review_entries(suggestions)}, allow_unicode=True,
                          sort_keys=False, width=100)
    path.write_text(HEADER + "\n" + body, encoding="utf-8")
    return path


def read_review(path: str | Path) -> list[dict[str, Any]]:
    """The entries of an edited review file, checked (one-line errors naming file and line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.safe_load(text)
    except OSError as exc:
        raise KBError(f"{path}: cannot read the review file ({exc.strerror})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        raise KBError(f"{where}: YAML syntax error: {exc.problem}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("suggestions"), list):
        raise KBError(f"{path}: not a review file (no 'suggestions:' list)")
    nodes = next(v for k, v in root.value if k.value == "suggestions").value
    entries = []
    for item, node in zip(doc["suggestions"], nodes, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or item.get("action") not in ACTIONS:
            raise KBError(f"{path}, line {line}: each entry needs action: add, merge or skip")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise KBError(f"{path}, line {line}: aliases must be a list of text (quote them)")
        if item["action"] == "merge" and not item.get("merge_into"):
            raise KBError(f"{path}, line {line}: action merge needs merge_into (an id)")
        entries.append({**item, "line": line})
    return entries


def add_reviewed(review: str | Path, kb_path: str | Path, *,
                 base: str | Path | None = None) -> AddResult:
    """Merge an edited review file into the knowledge base at ``kb_path``.  When ``kb_path``
    does not exist it starts as a copy of ``base`` (default: the shipped knowledge base).  The
    result is validated by the loader before it replaces ``kb_path``."""
    kb_path = Path(kb_path)
    entries = read_review(review)
    if not kb_path.exists():
        shutil.copyfile(Path(base) if base else default_kb_path(), kb_path)
    kb = load_kb(kb_path)
    text = kb_path.read_text(encoding="utf-8")
    result = AddResult(kb_path)
    new_items: list[dict[str, Any]] = []
    inserts: dict[str, list[str]] = {}
    for e in entries:
        if e["action"] == "skip":
            result.skipped += 1
            continue
        if e["action"] == "add":
            aliases = _fresh_aliases(e, kb, None, result, review)
            item = {"id": e.get("id"), "name": e.get("name"), "type": e.get("type")}
            if e.get("affiliation"):
                item["affiliation"] = e["affiliation"]
            item["aliases"] = aliases
            new_items.append(item)
            result.added.append(str(e.get("id")))
            continue
        target = kb.get(str(e["merge_into"]))
        if target is None:
            raise KBError(f"{review}, line {e['line']}: merge_into {e['merge_into']!r} is not "
                          f"an id in {kb_path}")
        fresh = _fresh_aliases(e, kb, target.id, result, review)
        inserts.setdefault(target.id, []).extend(a for a in fresh
                                                 if a not in inserts.get(target.id, []))
    text = _insert_aliases(text, kb_path, inserts)
    if new_items:
        dumped = yaml.safe_dump(new_items, allow_unicode=True, sort_keys=False, width=100)
        indent = " " * _item_indent(text)
        block = "".join(indent + line + "\n" for line in dumped.splitlines())
        text = text.rstrip("\n") + "\n" + block
    result.merged = {k: v for k, v in inserts.items() if v}
    _replace_validated(kb_path, text, review)
    return result


def _fresh_aliases(e: dict, kb: KnowledgeBase, owner: str | None, result: AddResult,
                   review: str | Path) -> list[str]:
    """The entry's aliases the knowledge base does not already resolve; an alias another
    entity owns is left out with a note (the loader would refuse it)."""
    keep = []
    for alias in e.get("aliases") or []:
        hit = kb.lookup(alias)
        if hit is None:
            keep.append(alias)
        elif hit[0].id != owner:
            result.notes.append(f"{review}, line {e['line']}: alias {alias!r} left out: it "
                                f"already names {hit[0].name} ({hit[0].id})")
    return keep


def _item_indent(text: str) -> int:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    items = next(v for k, v in root.value if k.value == "entities").value
    return max(items[0].start_mark.column - 2, 0) if items else 2  # the "- " is before it


def _insert_aliases(text: str, kb_path: Path, inserts: dict[str, list[str]]) -> str:
    """Insert alias lines after each target entity's last alias, as written in the file."""
    if not any(inserts.values()):
        return text
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    items = next(v for k, v in root.value if k.value == "entities").value
    lines = text.splitlines(keepends=True)
    at: list[tuple[int, list[str]]] = []
    for node in items:
        fields = {k.value: v for k, v in node.value}
        entity_id = getattr(fields.get("id"), "value", None)
        if entity_id not in inserts or not inserts[entity_id]:
            continue
        seq = fields.get("aliases")
        if not isinstance(seq, yaml.SequenceNode) or seq.flow_style or not seq.value:
            raise KBError(f"{kb_path}, line {node.start_mark.line + 1}: cannot add aliases to "
                          f"{entity_id} automatically (its aliases are not a block list); add "
                          f"{', '.join(inserts[entity_id])} by hand")
        last = seq.value[-1]
        indent = " " * (last.start_mark.column - 2)
        new = [f"{indent}- {_scalar(a)}\n" for a in inserts[entity_id]]
        at.append((last.end_mark.line + (1 if last.end_mark.column else 0), new))
    for line_no, new in sorted(at, reverse=True):
        lines[line_no:line_no] = new
    return "".join(lines)


def _scalar(alias: str) -> str:
    return yaml.safe_dump(alias, allow_unicode=True, width=1000).removesuffix("\n...\n") \
        .strip()


def _replace_validated(kb_path: Path, text: str, review: str | Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".kb-add-", suffix=".yaml", dir=kb_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            load_kb(tmp)
        except KBError as exc:
            raise KBError(str(exc).replace(tmp, f"{kb_path} (after merging {review})")) \
                from None
        os.replace(tmp, kb_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
