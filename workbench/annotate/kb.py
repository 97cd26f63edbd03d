"""The entity knowledge base: canonical entities, their aliases and spelling-variant tags.

The knowledge base is a YAML file a researcher edits (``data/kb/entities.yaml``; its header
documents the format). :func:`load_kb` reads and validates it and returns a
:class:`KnowledgeBase` that resolves a surface form to its entity and variant tag, and that
supplies exact-match patterns for spaCy's ``EntityRuler``.

This module must not import spaCy: notebook kernels import it, and spaCy takes seconds.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from workbench.annotate.kb_forms import (
    DOTTED,
    dotted_initialism,
    normalise,
    twins,
    undotted,
)
from workbench.errors import KBError
from workbench.read.yamlsafe import load_with_nodes

TYPES = ("PERSON", "ORG", "PLACE", "GROUP", "EVENT", "OTHER")

_ID_RE = re.compile(r"Q[1-9][0-9]*|local:[a-z0-9][a-z0-9-]*")
_VARIANT_RE = re.compile(r"[a-z0-9][a-z0-9-]*")

# Aliases shorter than this are matched case-sensitively even after normalisation, so that
# "US" never resolves from the pronoun "us".
_MIN_FOLD_LEN = 3


@dataclass(frozen=True)
class Alias:
    text: str
    variant: str | None = None


@dataclass(frozen=True)
class Role:
    """A title an entity held ("Secretary of State"), with the years when known."""

    title: str
    start: int | None = None  # first year held
    end: int | None = None  # last year held; None = still, or not known

    def held_in(self, year: int | None) -> bool:
        """Whether the role was held in ``year`` (any year when ``year`` is None)."""
        if year is None:
            return True
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    affiliation: str | None
    description: str | None
    aliases: tuple[Alias, ...]
    roles: tuple[Role, ...] = ()
    # On a nationality adjective ("Russian"): the id of the people it names when used as a
    # noun ("a Russian said"); see mentions.py.
    group: str | None = None


# ── normalisation ────────────────────────────────────────────────────────────

def _key(text: str) -> tuple[str, str]:
    """Index for the normalised match: short aliases keep their case."""
    norm = normalise(text)
    return ("cs", norm) if len(text) < _MIN_FOLD_LEN else ("ci", norm.casefold())


# ── the knowledge base ───────────────────────────────────────────────────────

def _where(path: Path | str | None, line: int | None = None) -> str:
    where = str(path) if path else "<knowledge base>"
    return f"{where}, line {line}" if line else where


def _line_note(lines: dict, key, template: str = ", line {}") -> str:
    return template.format(lines[key]) if key in lines else ""


class KnowledgeBase:
    """Canonical entities indexed by id and by alias.

    ``fingerprint`` is the SHA-256 of the file's bytes: annotation caches include it, so
    editing the file invalidates them. ``lines`` (optional) maps an entity id, or an
    ``(id, alias text)`` pair, to its line in the file, for error messages.
    """

    def __init__(self, entities: Iterable[Entity], path: Path | None = None,
                 fingerprint: str = "", lines: dict | None = None):
        self.path = path
        self.fingerprint = fingerprint
        self.entities: dict[str, Entity] = {}
        self._exact: dict[str, tuple[Entity, str | None]] = {}
        self._normalised: dict[tuple[str, str], tuple[Entity, Alias]] = {}
        self.language_aliases: dict[str, list[tuple[str, Alias]]] = {}
        lines = lines or {}
        for entity in entities:
            self._add(entity, lines)

    def _add(self, entity: Entity, lines: dict) -> None:
        def err(line_key, message):
            return KBError(f"{_where(self.path, lines.get(line_key))}: {message}")

        if entity.id in self.entities:
            raise err(entity.id, f"duplicate id {entity.id!r}: used by "
                                 f"{self.entities[entity.id].name!r} and {entity.name!r}")
        self.entities[entity.id] = entity
        for alias in entity.aliases:
            here = (entity.id, alias.text)
            if alias.text in self._exact:
                owner = self._exact[alias.text][0]
                if owner is entity:
                    raise err(here, f"alias {alias.text!r} is listed twice for {entity.name!r}")
                raise err(here, f"alias {alias.text!r} is on two entities: {owner.name!r} "
                                f"({owner.id}{_line_note(lines, (owner.id, alias.text))}) and "
                                f"{entity.name!r} ({entity.id})")
            self._exact[alias.text] = (entity, alias.variant)
            key = _key(alias.text)
            if key in self._normalised and self._normalised[key][0] is not entity:
                owner, theirs = self._normalised[key]
                where = _line_note(lines, (owner.id, theirs.text), " (line {})")
                raise err(here, f"alias {alias.text!r} of {entity.name!r} and alias "
                                f"{theirs.text!r} of {owner.name!r}{where} are the same once "
                                f"case, accents and apostrophes are ignored")
            self._normalised.setdefault(key, (entity, alias))

    def __len__(self) -> int:
        return len(self.entities)

    def __repr__(self) -> str:
        return f"KnowledgeBase({len(self)} entities, path={str(self.path)!r})"

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self.entities.get(entity_id)

    def lookup(self, text: str) -> tuple[Entity, str | None] | None:
        """The entity a surface form names and the variant tag of that spelling, or None.

        Tries the exact alias first, then a normalised match (typographic punctuation,
        accents and spacing ignored; case ignored for aliases of 3+ characters)."""
        if text in self._exact:
            return self._exact[text]
        norm = normalise(text)
        hit = self._normalised.get(("ci", norm.casefold())) or self._normalised.get(("cs", norm))
        if hit is None and DOTTED.fullmatch(norm):  # "F.B.I." is the KB's "FBI"
            return self.lookup(undotted(norm))
        return (hit[0], hit[1].variant) if hit else None

    def holders(self, title: str, year: int | None = None) -> list[Entity]:
        """The entities that held ``title`` (case and spacing ignored) in ``year`` (any year
        when None), in file order: "Secretary of State" in 2022 is Antony Blinken."""
        want = " ".join(title.casefold().split())
        return [e for e in self.entities.values()
                if any(" ".join(r.title.casefold().split()) == want and r.held_in(year)
                       for r in e.roles)]

    def add_language_alias(self, entity_id: str, language: str, alias: Alias) -> str | None:
        """Index an alias in another language (``kb_aliases.py``); returns what is wrong with
        it, or None (one already on this entity is ignored)."""
        entity = self.entities.get(entity_id)
        if entity is None:
            return f"unknown entity id {entity_id!r} (not in {_where(self.path)})"
        owner = (self._exact.get(alias.text) or self._normalised.get(_key(alias.text)) or [0])[0]
        if not owner:
            self._exact[alias.text] = (entity, alias.variant)
            self._normalised[_key(alias.text)] = (entity, alias)
            self.language_aliases.setdefault(entity_id, []).append((language, alias))
        return None if owner in (0, entity) else f"{alias.text!r} is already {owner.name!r}'s"

    def variant_of(self, text: str) -> str | None:
        """The variant tag of a surface form (``"kiev"`` for "Kiev"), or None."""
        hit = self.lookup(text)
        return hit[1] if hit else None

    def ruler_patterns(self) -> list[dict]:
        """Exact phrase patterns for spaCy's ``EntityRuler``: one per alias and per
        typographic twin, labelled with the entity type and carrying the entity id."""
        patterns, seen = [], set()
        for entity in self.entities.values():
            for alias in entity.aliases:
                for form in twins(alias.text):
                    if form not in seen:
                        seen.add(form)
                        patterns.append({"label": entity.type, "pattern": form, "id": entity.id})
        # Then the dotted spelling of every initialism ("F.B.I.", "D.N.C.": the house style of
        # the New York Times and others), so it is found even where the model misses it.
        for entity in self.entities.values():
            for alias in entity.aliases:
                dotted = dotted_initialism(alias.text)
                if dotted and dotted not in seen:
                    seen.add(dotted)
                    patterns.append({"label": entity.type, "pattern": dotted, "id": entity.id})
        # Then the all-capitals spelling of every alias of 4+ letters ("KYIV, Ukraine (AP) —",
        # "PUTIN SAYS"): after all aliases, so an alias written in capitals keeps its entity.
        for entity in self.entities.values():
            for alias in entity.aliases:
                upper = alias.text.upper()
                if len(alias.text) >= 4 and upper not in seen and upper != alias.text:
                    for form in twins(upper):
                        if form not in seen:
                            seen.add(form)
                            patterns.append({"label": entity.type, "pattern": form,
                                             "id": entity.id})
        return patterns


# ── loading ──────────────────────────────────────────────────────────────────

def default_kb_path() -> Path:
    """``$WORKBENCH_KB`` if set, else the ``kb`` of the project's ``report.yml`` (the nearest
    one in the working folder or above it, see :mod:`workbench.project`), else the knowledge
    base shipped with the workbench (``data/kb/entities.yaml`` in the repository)."""
    from workbench import resources
    from workbench.project import project_setting

    env = os.environ.get("WORKBENCH_KB")
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise KBError(f"{path}: WORKBENCH_KB names a knowledge-base file that does not exist")
        return path
    try:
        path = project_setting("kb")
    except ValueError as exc:  # an unreadable report.yml
        raise KBError(str(exc)) from None
    if path is not None:
        if not path.is_file():
            raise KBError(f"{path}: the project's report.yml names a knowledge-base file that "
                          "does not exist")
        return path
    try:
        path = resources.path("kb") / "entities.yaml"
    except FileNotFoundError as exc:
        raise KBError(f"{exc} (set WORKBENCH_KB to the knowledge-base file to use)") from None
    if not path.is_file():
        raise KBError(f"{path}: knowledge-base file not found "
                      f"(set WORKBENCH_KB to the file to use)")
    return path


_CACHE: dict[tuple, KnowledgeBase] = {}


def load_kb(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate a knowledge-base file (default: :func:`default_kb_path`); cached by
    (path, modification time, size), so repeated calls are free and an edited file re-read."""
    path = Path(path).expanduser() if path is not None else default_kb_path()
    try:
        stat = path.stat()
    except OSError as exc:
        raise KBError(f"{path}: cannot read the knowledge base ({exc.strerror})") from None
    from workbench.annotate.kb_aliases import alias_files, merge_language_aliases, stamps

    extra = alias_files(path)  # aliases-*.yaml beside it: other languages' spellings
    cache_key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, *stamps(extra))
    if cache_key not in _CACHE:
        data = path.read_bytes()
        kb = _parse(data, path)
        if extra:
            kb.fingerprint = hashlib.sha256(
                data + merge_language_aliases(kb, extra, Alias)).hexdigest()
        _CACHE[cache_key] = kb
    return _CACHE[cache_key]


def _parse(data: bytes, path: Path) -> KnowledgeBase:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KBError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    # Keep the node tree: it carries the line numbers the error messages need.
    root, doc = load_with_nodes(text, path, KBError)

    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        raise KBError(f"{path}: the file must be a mapping with an 'entities:' list "
                      f"(see the comments at the top of data/kb/entities.yaml)")
    entry_nodes = _child(root, "entities").value
    lines: dict = {}
    entities: dict[str, Entity] = {}
    for item, node in zip(doc["entities"], entry_nodes, strict=False):
        entity = _entity(item, node, path, lines)
        line = node.start_mark.line + 1
        if entity.id in entities:
            first = entities[entity.id]
            raise KBError(f"{_where(path, line)}: duplicate id {entity.id!r}: used by "
                          f"{first.name!r} (line {lines[entity.id]}) and {entity.name!r}")
        entities[entity.id] = entity
        lines[entity.id] = line
    return KnowledgeBase(entities.values(), path=path,
                         fingerprint=hashlib.sha256(data).hexdigest(), lines=lines)


def _child(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


def _entity(item, node: yaml.Node, path: Path, lines: dict) -> Entity:
    line = node.start_mark.line + 1

    def fail(message, at=line):
        raise KBError(f"{_where(path, at)}: {message}")

    if not isinstance(item, dict):
        fail("each entry under 'entities:' must be a mapping with id, name, type and aliases")
    label = f"entity {item.get('name') or item.get('id') or '(unnamed)'!r}"
    for field in ("id", "name", "type"):
        if item.get(field) in (None, ""):
            fail(f"{label} has no {field!r}")
        if not isinstance(item[field], str):
            fail(f"{label}: {field} must be text, got {item[field]!r} (quote it)")
    unknown = set(item) - {"id", "name", "type", "affiliation", "description", "aliases", "notes",
                           "roles", "group"}
    if unknown:
        fail(f"{label}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    entity_id, name, kind = item["id"].strip(), item["name"].strip(), item["type"].strip()
    if not _ID_RE.fullmatch(entity_id):
        fail(f"{label}: id {entity_id!r} is neither a Wikidata QID (Q123) nor 'local:<slug>' "
             f"(lowercase letters, digits, hyphens)")
    if kind not in TYPES:
        fail(f"{label}: unknown type {kind!r}; use one of {', '.join(TYPES)}")
    for field in ("affiliation", "description"):
        if item.get(field) is not None and not isinstance(item[field], str):
            fail(f"{label}: {field} must be text, got {item[field]!r}")
    raw_aliases = item.get("aliases") or []
    if not isinstance(raw_aliases, list):
        fail(f"{label}: 'aliases' must be a list")
    alias_nodes = getattr(_child(node, "aliases"), "value", None) or [None] * len(raw_aliases)
    aliases: list[Alias] = []
    for raw, alias_node in zip(raw_aliases, alias_nodes, strict=False):
        at = alias_node.start_mark.line + 1 if alias_node is not None else line
        written = alias_node.value if isinstance(alias_node, yaml.ScalarNode) else None
        alias = _alias(raw, label, lambda message, at=at: fail(message, at), written)
        lines.setdefault((entity_id, alias.text), at)
        aliases.append(alias)
    # The canonical name is always findable in text, without a variant tag.
    if name not in {a.text for a in aliases}:
        aliases.append(Alias(name))
        lines.setdefault((entity_id, name), line)
    group = item.get("group")
    if group is not None and (not isinstance(group, str) or not _ID_RE.fullmatch(group)):
        fail(f"{label}: group must be the id of the people entity, got {group!r}")
    return Entity(entity_id, name, kind, _opt(item.get("affiliation")),
                  _opt(item.get("description")), tuple(aliases),
                  _roles(item.get("roles"), label, fail), group)


def _roles(raw, label: str, fail) -> tuple[Role, ...]:
    """``roles:`` items: a title, or ``{title: ..., from: 2021, to: 2025}``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        fail(f"{label}: 'roles' must be a list")
    roles = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            roles.append(Role(item.strip()))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            fail(f"{label}: each role is a title or {{title: ..., from: YEAR, to: YEAR}}, "
                 f"got {item!r}")
        unknown = set(item) - {"title", "from", "to"}
        if unknown:
            fail(f"{label}: role has unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        years = [item.get("from"), item.get("to")]
        if any(y is not None and (not isinstance(y, int) or isinstance(y, bool)) for y in years):
            fail(f"{label}: role {item['title']!r}: from/to must be years, got {years}")
        roles.append(Role(item["title"].strip(), *years))
    return tuple(roles)


def _alias(raw, label: str, fail, written: str | None = None) -> Alias:
    if isinstance(raw, dict):
        unknown = set(raw) - {"text", "variant"}
        if unknown:
            fail(f"{label}: alias has unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        text, variant = raw.get("text"), raw.get("variant")
    else:
        text, variant = raw, None
    if text is None or (isinstance(text, str) and not text.strip()):
        fail(f"{label} has an empty alias")
    if not isinstance(text, str):
        shown = written if written is not None else repr(text)
        fail(f"{label}: alias {shown} was read as {type(text).__name__} {text!r}, not text "
             f"(quote it: \"{shown}\")")
    if text != text.strip():
        fail(f"{label}: alias {text!r} has leading or trailing spaces")
    if variant is not None:
        if not isinstance(variant, str) or not _VARIANT_RE.fullmatch(variant):
            fail(f"{label}: variant {variant!r} of alias {text!r} must be a short lowercase tag "
                 f"(letters, digits, hyphens)")
    return Alias(text, variant)


def _opt(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
