"""The entity knowledge base (data/kb/entities.yaml) and its loader (workbench.annotate.kb)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.annotate.kb import (
    TYPES,
    Alias,
    Entity,
    KBError,
    KnowledgeBase,
    default_kb_path,
    load_kb,
)

REPO = Path(__file__).resolve().parents[1]
KB_FILE = REPO / "data" / "kb" / "entities.yaml"
SAMPLE_DIR = REPO / "data" / "sample"

# The affiliation vocabulary the file's header promises; anything else must be a country
# that is itself in the knowledge base.
CORE_AFFILIATIONS = {"Russia", "Ukraine", "US", "UK", "EU", "NATO", "Europe", "West",
                     "international"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb(KB_FILE)


@pytest.fixture(scope="module")
def sample_text() -> str:
    files = sorted(SAMPLE_DIR.glob("*.txt"))
    assert files, "the sample corpus is missing"
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _id(kb: KnowledgeBase, text: str) -> str | None:
    hit = kb.lookup(text)
    return hit[0].id if hit else None


# ── the real file ────────────────────────────────────────────────────────────

def test_every_entity_is_valid(kb):
    assert len(kb) > 100
    place_names = {e.name for e in kb.entities.values() if e.type == "PLACE"}
    for entity_id, entity in kb.entities.items():
        assert entity.id == entity_id
        assert re.fullmatch(r"Q[1-9]\d*|local:[a-z0-9][a-z0-9-]*", entity.id), entity
        assert entity.type in TYPES, entity
        assert entity.name.strip() == entity.name and entity.name, entity
        assert entity.aliases, entity
        for alias in entity.aliases:
            assert isinstance(alias.text, str) and alias.text.strip() == alias.text != "", entity
            assert alias.variant is None or re.fullmatch(r"[a-z0-9][a-z0-9-]*", alias.variant)
            assert kb.lookup(alias.text) == (entity, alias.variant)
        if entity.affiliation is not None:
            assert entity.affiliation in CORE_AFFILIATIONS | place_names, entity
        # The canonical name always resolves to its own entity.
        assert _id(kb, entity.name) == entity.id


def test_every_qid_says_where_it_was_verified():
    for number, line in enumerate(KB_FILE.read_text(encoding="utf-8").splitlines(), 1):
        m = re.match(r"\s*- id:\s*(Q\d+)\s*(#.*)?$", line)
        if m:
            assert m.group(2) and "verified:" in m.group(2), f"line {number}: {line.strip()}"


REQUIRED = [
    # people
    ("Vladimir Putin", "PERSON"), ("Volodymyr Zelensky", "PERSON"), ("Donald Trump", "PERSON"),
    ("Dmitry Peskov", "PERSON"), ("Marco Rubio", "PERSON"), ("Alexei Polishchuk", "PERSON"),
    ("Mikhail Galuzin", "PERSON"), ("Rodion Miroshnik", "PERSON"), ("Marta Hurtado", "PERSON"),
    ("Mark Rutte", "PERSON"), ("Timur Mindich", "PERSON"), ("Andriy Yermak", "PERSON"),
    ("Vladimir Oleinik", "PERSON"), ("German Galushchenko", "PERSON"),
    ("Svitlana Grynchuk", "PERSON"), ("Svetlana Grinchuk", "PERSON"), ("Sergey Lavrov", "PERSON"),
    ("Sigmar Gabriel", "PERSON"), ("Marcin Bosacki", "PERSON"), ("Marcin Posacki", "PERSON"),
    ("Alexander Lukashenko", "PERSON"), ("Recep Tayyip Erdoğan", "PERSON"),
    ("Keir Starmer", "PERSON"), ("Emmanuel Macron", "PERSON"), ("Viktor Orbán", "PERSON"),
    ("António Guterres", "PERSON"), ("Steve Witkoff", "PERSON"), ("JD Vance", "PERSON"),
    # places
    ("Kyiv", "PLACE"), ("Moscow", "PLACE"), ("Pokrovsk", "PLACE"), ("Sukhyi Yar", "PLACE"),
    ("Donetsk Oblast", "PLACE"), ("Zaporizhzhia Oblast", "PLACE"), ("Kherson Oblast", "PLACE"),
    ("Luhansk Oblast", "PLACE"), ("Crimea", "PLACE"), ("Kramatorsk", "PLACE"),
    ("Sloviansk", "PLACE"), ("Slovyansk", "PLACE"), ("Istanbul", "PLACE"), ("Ankara", "PLACE"),
    ("Budapest", "PLACE"), ("Alaska", "PLACE"), ("Washington", "PLACE"), ("Brussels", "PLACE"),
    ("Minsk", "PLACE"), ("Warsaw", "PLACE"), ("Primorsk", "PLACE"), ("Novorossiysk", "PLACE"),
    ("Grodno Region", "PLACE"), ("Donbas", "PLACE"), ("Kharkiv", "PLACE"), ("Odesa", "PLACE"),
    ("Mykolaiv", "PLACE"),
    ("Russia", "PLACE"), ("Ukraine", "PLACE"), ("Belarus", "PLACE"), ("Poland", "PLACE"),
    ("Lithuania", "PLACE"), ("Latvia", "PLACE"), ("Turkey", "PLACE"), ("Türkiye", "PLACE"),
    ("Hungary", "PLACE"), ("Germany", "PLACE"), ("France", "PLACE"), ("China", "PLACE"),
    ("Denmark", "PLACE"), ("Japan", "PLACE"), ("Canada", "PLACE"), ("Europe", "PLACE"),
    ("Britain", "PLACE"),
    # organisations
    ("Kremlin", "ORG"), ("NATO", "ORG"), ("European Union", "ORG"), ("EU", "ORG"),
    ("United Nations", "ORG"), ("UN", "ORG"), ("OHCHR", "ORG"), ("UN Human Rights Office", "ORG"),
    ("UN Security Council", "ORG"), ("NABU", "ORG"), ("SAP", "ORG"),
    ("Specialized Anti-Corruption Prosecutor's Office", "ORG"), ("Energoatom", "ORG"),
    ("TASS", "ORG"), ("RIA Novosti", "ORG"), ("Izvestia", "ORG"), ("Reuters", "ORG"),
    ("Financial Times", "ORG"), ("Lukoil", "ORG"), ("Rosneft", "ORG"), ("Gunvor", "ORG"),
    ("Russian Foreign Ministry", "ORG"), ("Russian Defense Ministry", "ORG"),
    ("US Treasury Department", "ORG"), ("US State Department", "ORG"),
    ("Armed Forces of Ukraine", "ORG"), ("AFU", "ORG"), ("ВСУ", "ORG"),
    ("Ukrainian Foreign Ministry", "ORG"), ("Government of Ukraine", "ORG"),
    # groups
    ("Russian", "GROUP"), ("Russians", "GROUP"), ("Ukrainian", "GROUP"), ("Ukrainians", "GROUP"),
    ("American", "GROUP"), ("Americans", "GROUP"), ("European", "GROUP"), ("Europeans", "GROUP"),
    ("Western", "GROUP"),
    # events
    ("Zapad-2025", "EVENT"), ("Istanbul talks", "EVENT"), ("Operation Midas", "EVENT"),
    ("World War II", "EVENT"),
]


@pytest.mark.parametrize("text, kind", REQUIRED)
def test_required_entities_are_present(kb, text, kind):
    hit = kb.lookup(text)
    assert hit is not None, f"{text!r} is not in the knowledge base"
    assert hit[0].type == kind


def test_us_aliases(kb):
    for text in ("US", "U.S.", "USA", "United States", "America"):
        assert _id(kb, text) == "Q30"
    for text in ("UK", "U.K.", "Britain", "United Kingdom"):
        assert _id(kb, text) == "Q145"
    assert _id(kb, "Washington") == "Q61"  # the city, not the US government


VARIANTS = [
    ("Kyiv", "Q1899", "kyiv"), ("Kiev", "Q1899", "kiev"),
    ("Volodymyr Zelensky", "Q3874799", "volodymyr-zelensky"),
    ("Vladimir Zelensky", "Q3874799", "vladimir-zelensky"),
    ("Zelensky", "Q3874799", "zelensky"), ("Zelenskyy", "Q3874799", "zelenskyy"),
    ("Zelenskiy", "Q3874799", "zelenskiy"),
    ("Volodymyr Zelenskyy", "Q3874799", "volodymyr-zelenskyy"),
    ("Luhansk region", "Q171965", "luhansk"), ("Lugansk region", "Q171965", "lugansk"),
    # A bare name is the city, with the same spelling tag as its region.
    ("Luhansk", "local:luhansk-city", "luhansk"), ("Lugansk", "local:luhansk-city", "lugansk"),
    ("Zaporizhzhia region", "Q171334", "zaporizhzhia"),
    ("Zaporizhia region", "Q171334", "zaporizhia"), ("Zaporozhye region", "Q171334", "zaporozhye"),
    ("Zaporizhzhia", "local:zaporizhzhia-city", "zaporizhzhia"),
    ("Zaporozhye", "local:zaporizhzhia-city", "zaporozhye"),
    ("Kharkiv", "local:kharkiv", "kharkiv"), ("Kharkov", "local:kharkiv", "kharkov"),
    ("Odesa", "Q1874", "odesa"), ("Odessa", "Q1874", "odessa"),
    ("Donbas", "local:donbas", "donbas"), ("Donbass", "local:donbas", "donbass"),
    ("Mykolaiv", "local:mykolaiv", "mykolaiv"), ("Nikolaev", "local:mykolaiv", "nikolaev"),
    ("Pokrovsk", "local:pokrovsk", "pokrovsk"),
    ("Krasnoarmeysk", "local:pokrovsk", "krasnoarmeysk"),
    ("Turkey", "Q43", "turkey"), ("Türkiye", "Q43", "turkiye"),
    ("Kiev regime", "local:ukrainian-government", "kiev-regime"),
    ("Kyiv regime", "local:ukrainian-government", "kyiv-regime"),
    ("Kyiv authorities", "local:ukrainian-government", "kyiv-authorities"),
    ("Ukrainian government", "local:ukrainian-government", "ukrainian-government"),
    ("Svetlana Grinchuk", "local:svitlana-grynchuk", "svetlana-grinchuk"),
    ("special military operation", "local:russo-ukrainian-war", "special-military-operation"),
    ("full-scale invasion", "local:russo-ukrainian-war", "full-scale-invasion"),
]


@pytest.mark.parametrize("text, entity_id, variant", VARIANTS)
def test_spelling_variants_resolve_to_one_entity(kb, text, entity_id, variant):
    entity, tag = kb.lookup(text)
    assert (entity.id, tag) == (entity_id, variant)
    assert kb.variant_of(text) == variant


# Every spelling below is printed in data/sample/*.txt (the test checks that it is).
SAMPLE_SPELLINGS = [
    ("Vladimir Zelensky", "Q3874799"), ("Volodymyr Zelensky", "Q3874799"),
    ("Zelensky", "Q3874799"), ("Vladimir Putin", "Q7747"), ("Putin", "Q7747"),
    ("Donald Trump", "Q22686"), ("Trump", "Q22686"), ("Marco Rubio", "Q324546"),
    ("Mark Rutte", "Q57792"), ("Dmitry Peskov", "local:dmitry-peskov"),
    ("Peskov", "local:dmitry-peskov"), ("Alexei Polishchuk", "local:alexei-polishchuk"),
    ("Polishchuk", "local:alexei-polishchuk"), ("Mikhail Galuzin", "local:mikhail-galuzin"),
    ("Galuzin", "local:mikhail-galuzin"), ("Rodion Miroshnik", "local:rodion-miroshnik"),
    ("Miroshnik", "local:rodion-miroshnik"), ("Marta Hurtado", "local:marta-hurtado"),
    ("Timur Mindich", "local:timur-mindich"), ("Mindich", "local:timur-mindich"),
    ("Yermak", "local:andriy-yermak"), ("Vladimir Oleinik", "local:vladimir-oleinik"),
    ("Oleinik", "local:vladimir-oleinik"),
    ("German Galushchenko", "local:herman-halushchenko"),
    ("Svetlana Grinchuk", "local:svitlana-grynchuk"), ("Sigmar Gabriel", "local:sigmar-gabriel"),
    ("Marcin Posacki", "local:marcin-bosacki"),
    ("Kiev", "Q1899"), ("Kyiv", "Q1899"), ("Moscow", "Q649"),
    # Bare names are the cities (the annotator reads "four regions — Donetsk, …" as regions).
    ("Lugansk", "local:luhansk-city"), ("Luhansk", "local:luhansk-city"),
    ("Zaporizhia", "local:zaporizhzhia-city"), ("Zaporizhzhia", "local:zaporizhzhia-city"),
    ("Kherson", "local:kherson-city"), ("Donetsk", "local:donetsk-city"),
    ("Donetsk Oblast", "Q2012050"),
    ("Donetsk Region", "Q2012050"), ("Crimean Peninsula", "Q7835"),
    ("Sukhyi Yar", "local:sukhyi-yar"), ("Pokrovsk", "local:pokrovsk"),
    ("Kramatorsk", "local:kramatorsk"), ("Slovyansk", "local:sloviansk"),
    ("Istanbul", "Q406"), ("Ankara", "Q3640"), ("Budapest", "Q1781"), ("Alaska", "Q797"),
    ("Washington", "Q61"), ("Brussels", "Q239"), ("Minsk", "Q2280"), ("Warsaw", "Q270"),
    ("New York", "Q60"), ("Primorsk", "local:primorsk"), ("Novorossiysk", "local:novorossiysk"),
    ("Grodno region", "local:grodno-region"), ("Baltic States", "local:baltic-states"),
    ("Russia", "Q159"), ("Russian Federation", "Q159"), ("Ukraine", "Q212"),
    ("United States", "Q30"), ("US", "Q30"), ("U.S.", "Q30"), ("United Kingdom", "Q145"),
    ("Belarus", "Q184"), ("Poland", "Q36"), ("Lithuania", "Q37"), ("Latvia", "Q211"),
    ("Germany", "Q183"), ("France", "Q142"), ("Denmark", "Q35"), ("Japan", "Q17"),
    ("Canada", "Q16"), ("China", "Q148"), ("Bulgaria", "Q219"), ("Europe", "Q46"),
    ("Kremlin", "local:kremlin"), ("Kiev regime", "local:ukrainian-government"),
    ("NATO", "Q7184"), ("European Union", "Q458"), ("EU", "Q458"), ("UN", "Q1065"),
    ("United Nations", "Q1065"), ("Security Council", "Q37470"), ("OHCHR", "Q656812"),
    ("UN Human Rights Office", "Q656812"),
    ("Office of the United Nations High Commissioner for Human Rights", "Q656812"),
    ("UN Charter", "local:un-charter"), ("NABU", "local:nabu"), ("НАБУ", "local:nabu"),
    ("National Anti-Corruption Bureau of Ukraine", "local:nabu"),
    ("Specialized Anti-Corruption Prosecutor's Office", "local:sap"), ("SAP", "local:sap"),
    ("Energoatom", "local:energoatom"), ("Midas", "local:operation-midas"),
    ("TASS", "Q223799"), ("RIA Novosti", "local:ria-novosti"), ("Izvestia", "Q753932"),
    ("IZVESTIA", "Q753932"), ("REUTERS", "Q130879"),
    ("Financial Times", "local:financial-times"), ("Lukoil", "Q329347"),
    ("Rosneft", "Q1141123"), ("Gunvor", "local:gunvor"),
    ("U.S. Treasury Department", "local:us-treasury"),
    ("Russian Foreign Ministry", "local:russian-foreign-ministry"),
    ("Russian Ministry of Foreign Affairs", "local:russian-foreign-ministry"),
    ("Moscow\u2019s Defense Ministry", "local:russian-defense-ministry"),
    ("Ukrainian Foreign Ministry", "local:ukrainian-foreign-ministry"),
    ("Ministry of Defense of Ukraine", "local:ukrainian-defense-ministry"),
    ("ВСУ", "local:armed-forces-of-ukraine"), ("The Other Ukraine", "local:the-other-ukraine"),
    ("CIS", "local:cis"), ("Zapad-2025", "local:zapad-2025"), ("West-2025", "local:zapad-2025"),
    ("Istanbul talks", "local:istanbul-talks"), ("World War II", "Q362"),
    ("Ukrainian crisis", "local:russo-ukrainian-war"),
    ("Ukrainian conflict", "local:russo-ukrainian-war"),
    # The nationality adjective is its own entity, apart from the people.
    ("Russian", "local:russian"), ("Ukrainian", "local:ukrainian"),
    ("American", "local:american"), ("Turkish", "local:turks"), ("Polish", "local:poles"),
    ("Western", "local:the-west"), ("Swiss", "local:swiss-people"),
]


@pytest.mark.parametrize("text, entity_id", SAMPLE_SPELLINGS)
def test_sample_spellings_resolve(kb, sample_text, text, entity_id):
    assert text in sample_text, f"{text!r} does not occur in the sample corpus"
    assert _id(kb, text) == entity_id


# ── lookup ───────────────────────────────────────────────────────────────────

def test_lookup_normalises_typography_accents_and_case(kb):
    assert kb.lookup("KIEV")[0].id == "Q1899" and kb.variant_of("KIEV") == "kiev"
    assert _id(kb, "kyiv") == "Q1899"
    assert _id(kb, "  Vladimir \n Zelensky ") == "Q3874799"
    assert _id(kb, "Erdogan") == _id(kb, "ERDOĞAN") == _id(kb, "Erdoğan") == "Q39259"
    assert _id(kb, "Specialized Anti\u2011Corruption Prosecutor\u2019s Office") == "local:sap"
    assert _id(kb, "Russia\u2019s Defense Ministry") == "local:russian-defense-ministry"
    assert _id(kb, "Zelensky\u00ad") == "Q3874799"  # soft hyphen


def test_short_aliases_stay_case_sensitive(kb):
    assert _id(kb, "US") == "Q30"
    assert kb.lookup("us") is None
    assert kb.lookup("Us") is None
    assert kb.lookup("un") is None


def test_get_and_misses(kb):
    assert kb.get("Q1899").name == "Kyiv"
    assert kb.get("Q0") is None
    assert kb.lookup("Atlantis") is None
    assert kb.variant_of("Atlantis") is None
    assert kb.variant_of("Moscow") is None  # an alias without a tag


# ── ruler patterns ───────────────────────────────────────────────────────────

def test_ruler_patterns_cover_every_alias_and_its_typographic_twin(kb):
    patterns = kb.ruler_patterns()
    forms = {p["pattern"]: p for p in patterns}
    assert len(forms) == len(patterns), "duplicate patterns"
    for p in patterns:
        assert set(p) == {"label", "pattern", "id"}
        assert p["label"] in TYPES and p["id"] in kb.entities
    for entity in kb.entities.values():
        for alias in entity.aliases:
            assert forms[alias.text]["id"] == entity.id
    twin = forms["Moscow\u2019s Defense Ministry"]
    assert twin == {"label": "ORG", "pattern": "Moscow\u2019s Defense Ministry",
                    "id": "local:russian-defense-ministry"}
    assert forms["National Anti\u2011Corruption Bureau"]["id"] == "local:nabu"
    assert forms["Russia\u2013Ukraine war"]["id"] == "local:russo-ukrainian-war"  # en dash


def test_patterns_load_into_a_spacy_entity_ruler(kb, sample_text):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(kb.ruler_patterns())

    doc = nlp("Kiev regime officials met Vladimir Zelensky in Kyiv.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Kiev regime", "ORG", "local:ukrainian-government"),
        ("Vladimir Zelensky", "PERSON", "Q3874799"),
        ("Kyiv", "PLACE", "Q1899"),
    ]

    doc = nlp("Moscow\u2019s Defense Ministry said the Russian Foreign Ministry agreed.")
    assert [e.ent_id_ for e in doc.ents] == ["local:russian-defense-ministry",
                                             "local:russian-foreign-ministry"]

    doc = nlp(sample_text)
    found = {e.ent_id_ for e in doc.ents}
    assert all(entity_id in found for entity_id in
               # the bare ruler gives the cities; the annotator's context rule the regions
               ("Q3874799", "Q1899", "local:luhansk-city", "local:zaporizhzhia-city",
                "local:sukhyi-yar", "Q656812",
                "local:nabu", "local:ukrainian-government", "local:zapad-2025"))
    for ent in doc.ents:
        assert kb.lookup(ent.text)[0].id == ent.ent_id_


# ── invalid files ────────────────────────────────────────────────────────────

def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
entities:
  - id: local:kyiv
    name: Kyiv
    type: PLACE
    aliases:
      - {text: Kyiv, variant: kyiv}
      - {text: Kiev, variant: kiev}
"""

BAD = [
    pytest.param(GOOD + "  - id: local:x\n    name: [unclosed\n    type: PLACE\n",
                 ["YAML syntax error", "line 10"], id="syntax-error"),
    pytest.param(GOOD + "  - id: local:kyiv\n    name: Kiev city\n    type: PLACE\n",
                 ["line 8", "duplicate id 'local:kyiv'", "'Kyiv'", "'Kiev city'"],
                 id="duplicate-id"),
    pytest.param(GOOD + "  - id: local:k2\n    name: Kyiv Oblast\n    type: PLACE\n"
                        "    aliases:\n      - Kiev\n",
                 ["line 12", "alias 'Kiev' is on two entities", "'Kyiv'", "'Kyiv Oblast'"],
                 id="alias-on-two-entities"),
    pytest.param(GOOD + "  - id: local:k2\n    name: Kyiv Oblast\n    type: PLACE\n"
                        "    aliases:\n      - KIEV\n",
                 ["line 12", "'KIEV'", "'Kiev'", "same once case"], id="alias-differs-in-case"),
    pytest.param(GOOD + "  - id: local:x\n    name: Lviv\n    type: CITY\n",
                 ["line 8", "unknown type 'CITY'", "PERSON"], id="unknown-type"),
    pytest.param(GOOD + "  - id: local:x\n    type: PLACE\n",
                 ["line 8", "has no 'name'"], id="missing-name"),
    pytest.param(GOOD + "  - name: Lviv\n    type: PLACE\n",
                 ["line 8", "has no 'id'"], id="missing-id"),
    pytest.param(GOOD + "  - id: local:x\n    name: Lviv\n    type: PLACE\n"
                        "    aliases:\n      - ''\n",
                 ["line 12", "empty alias"], id="empty-alias"),
    pytest.param(GOOD + "  - id: local:x\n    name: Lviv\n    type: PLACE\n"
                        "    aliases:\n      - {variant: lviv}\n",
                 ["line 12", "empty alias"], id="alias-without-text"),
    pytest.param(GOOD + "  - id: local:x\n    name: Norway\n    type: PLACE\n"
                        "    aliases:\n      - NO\n",
                 ["line 12", "alias NO was read as bool", 'quote it: "NO"'],
                 id="alias-read-as-bool"),
    pytest.param(GOOD + "  - id: Kyiv city\n    name: Lviv\n    type: PLACE\n",
                 ["line 8", "neither a Wikidata QID"], id="bad-id"),
    pytest.param(GOOD + "  - id: local:x\n    name: Lviv\n    type: PLACE\n"
                        "    aliases:\n      - {text: Lvov, variant: Lvov Spelling}\n",
                 ["line 12", "variant 'Lvov Spelling'"], id="bad-variant"),
    pytest.param(GOOD + "  - id: local:x\n    name: Lviv\n    type: PLACE\n"
                        "    alias:\n      - Lvov\n",
                 ["line 8", "unknown field(s) alias"], id="misspelt-field"),
    pytest.param("- id: local:x\n  name: Lviv\n  type: PLACE\n",
                 ["mapping with an 'entities:' list"], id="top-level-list"),
    pytest.param("people:\n  - id: local:x\n", ["mapping with an 'entities:' list"],
                 id="no-entities-key"),
    pytest.param("", ["mapping with an 'entities:' list"], id="empty-file"),
]


@pytest.mark.parametrize("text, fragments", BAD)
def test_invalid_files_raise_kberror_naming_file_and_problem(tmp_path, text, fragments):
    path = _write(tmp_path, text)
    with pytest.raises(KBError) as info:
        load_kb(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message


def test_missing_file(tmp_path):
    with pytest.raises(KBError, match="nope.yaml"):
        load_kb(tmp_path / "nope.yaml")


def test_knowledge_base_built_in_code_is_checked_too():
    kyiv = Entity("local:kyiv", "Kyiv", "PLACE", None, None, (Alias("Kiev", "kiev"),))
    oblast = Entity("local:oblast", "Kyiv Oblast", "PLACE", None, None, (Alias("Kiev"),))
    with pytest.raises(KBError, match="on two entities"):
        KnowledgeBase([kyiv, oblast])
    assert KnowledgeBase([kyiv]).lookup("Kiev") == (kyiv, "kiev")


# ── loading, caching, default path ───────────────────────────────────────────

def test_load_is_cached_and_reloads_after_an_edit(tmp_path):
    path = _write(tmp_path, GOOD)
    first = load_kb(path)
    assert load_kb(str(path)) is first
    assert first.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()
    assert first.path == path

    path.write_text(GOOD + "      - Kyivan\n", encoding="utf-8")
    second = load_kb(path)
    assert second is not first
    assert second.fingerprint != first.fingerprint
    assert second.lookup("Kyivan")[0].id == "local:kyiv"


def test_name_is_an_implicit_alias(tmp_path):
    path = _write(tmp_path, "entities:\n  - id: local:x\n    name: Lviv\n    type: PLACE\n")
    kb = load_kb(path)
    assert kb.lookup("Lviv") == (kb.get("local:x"), None)
    assert kb.get("local:x").aliases == (Alias("Lviv", None),)


def test_default_path_is_the_repository_file(monkeypatch):
    monkeypatch.delenv("WORKBENCH_KB", raising=False)
    assert default_kb_path() == KB_FILE
    assert load_kb().path == KB_FILE


def test_default_path_follows_workbench_kb(monkeypatch, tmp_path):
    path = _write(tmp_path, GOOD)
    monkeypatch.setenv("WORKBENCH_KB", str(path))
    assert default_kb_path() == path
    assert load_kb().get("local:kyiv").name == "Kyiv"
    monkeypatch.setenv("WORKBENCH_KB", str(tmp_path / "missing.yaml"))
    with pytest.raises(KBError, match="WORKBENCH_KB"):
        default_kb_path()


def test_kb_module_does_not_import_spacy():
    code = "import sys, workbench.annotate.kb; sys.exit('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, "workbench.annotate.kb imported spaCy"


# ── 2014–2026 actors, platforms and outlets; tags; roles ─────────────────────

def _slug(text: str) -> str:
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", text)
                     if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", "-", folded).strip("-")


def test_variant_tags_are_the_spelling_itself(kb):
    # One tag per spelling choice (the header of entities.yaml): a person's tag is the slug
    # of the alias; a place's the slug of its place-name words ("Lugansk region", "Lugansk
    # People's Republic": lugansk).
    for entity in kb.entities.values():
        if entity.type not in ("PERSON", "PLACE"):
            continue
        tagged = [a for a in entity.aliases if a.variant]
        for alias in tagged:
            slug = _slug(alias.text)
            if entity.type == "PERSON":
                assert alias.variant == slug, (entity.name, alias)
            else:
                assert slug == alias.variant or slug.startswith(alias.variant + "-"), alias
        if tagged:  # a tagged entity tags every spelling it lists
            assert all(a.variant for a in entity.aliases if a.text != entity.name), entity


@pytest.mark.parametrize("text, kind, affiliation", [
    ("Joe Biden", "PERSON", "US"), ("Biden", "PERSON", "US"), ("Antony Blinken", "PERSON", "US"),
    ("Jake Sullivan", "PERSON", "US"), ("John Kirby", "PERSON", "US"),
    ("Karine Jean-Pierre", "PERSON", "US"), ("Jens Stoltenberg", "PERSON", "NATO"),
    ("Dmitry Medvedev", "PERSON", "Russia"), ("Petro Poroshenko", "PERSON", "Ukraine"),
    ("Pyotr Poroshenko", "PERSON", "Ukraine"), ("Poroshenko", "PERSON", "Ukraine"),
    ("Sergei Shoigu", "PERSON", "Russia"), ("Dmytro Kuleba", "PERSON", "Ukraine"),
    ("Twitter", "ORG", "US"), ("Facebook", "ORG", "US"), ("Telegram", "ORG", None),
    ("Fox News", "ORG", "US"), ("CNN", "ORG", "US"), ("TASS", "ORG", "Russia"),
    ("RIA Novosti", "ORG", "Russia"), ("Reuters", "ORG", "UK"),
    ("Associated Press", "ORG", "US"), ("AP", "ORG", "US"), ("NASA", "ORG", "US"),
    ("Karabakh", "PLACE", "Azerbaijan"), ("Kaliningrad", "PLACE", "Russia"),
    ("Yerevan", "PLACE", "Armenia"), ("Kherson", "PLACE", "Ukraine"),
])
def test_story_actors_platforms_and_outlets(kb, text, kind, affiliation):
    entity, _ = kb.lookup(text)
    assert (entity.type, entity.affiliation) == (kind, affiliation)


def test_poroshenko_is_one_person_with_a_tag_per_spelling(kb):
    ids = {kb.lookup(t)[0].id for t in ("Petro Poroshenko", "Pyotr Poroshenko", "Poroshenko")}
    assert len(ids) == 1
    assert [kb.variant_of(t) for t in ("Petro Poroshenko", "Pyotr Poroshenko")] == [
        "petro-poroshenko", "pyotr-poroshenko"]


def test_city_and_region_are_apart(kb):
    for city in ("Donetsk", "Luhansk", "Kherson", "Zaporizhzhia"):
        town, region = kb.lookup(city)[0], kb.lookup(f"{city} region")[0]
        assert town.id != region.id and town.type == region.type == "PLACE"
        assert region.name.endswith("Oblast")


def test_people_and_adjective_are_apart(kb):
    for adjective, people in (("Russian", "Russians"), ("Ukrainian", "Ukrainians"),
                              ("American", "Americans"), ("Democrat", "Democrats"),
                              ("Republican", "Republicans")):
        adj, group = kb.lookup(adjective)[0], kb.lookup(people)[0]
        assert adj.id != group.id and adj.group == group.id
        assert kb.lookup(f"the {people}")[0] is group
    for entity in kb.entities.values():
        if entity.group:
            assert kb.get(entity.group) is not None, entity


def test_roles_resolve_holders_by_year(kb):
    assert [e.name for e in kb.holders("Secretary of State", 2022)] == ["Antony Blinken"]
    assert [e.name for e in kb.holders("secretary of  state", 2019)] == ["Mike Pompeo"]
    assert "Marco Rubio" in [e.name for e in kb.holders("Secretary of State", 2025)]
    assert [e.name for e in kb.holders("Kremlin spokesman")] == ["Dmitry Peskov"]
    assert [e.name for e in kb.holders("President of Ukraine", 2016)] == ["Petro Poroshenko"]
    assert kb.holders("Secretary of State", 1990) == []


def test_roles_are_validated(tmp_path):
    bad = tmp_path / "kb.yaml"
    bad.write_text("entities:\n  - id: local:x\n    name: X\n    type: PERSON\n"
                   "    roles:\n      - {title: Envoy, from: soon}\n", encoding="utf-8")
    with pytest.raises(KBError, match=r"kb.yaml, line 2: .*from/to must be years"):
        load_kb(bad)


def test_all_capitals_spellings_are_matched(kb):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(kb.ruler_patterns())
    doc = nlp("KYIV, Ukraine (AP) — PUTIN and ZELENSKY spoke, said the AP.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [
        ("KYIV", "Q1899"), ("Ukraine", "Q212"), ("AP", "local:associated-press"),
        ("PUTIN", "Q7747"), ("ZELENSKY", "Q3874799"), ("AP", "local:associated-press")]
