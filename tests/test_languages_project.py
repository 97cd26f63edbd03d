"""`workbench init DIR`: the project's knowledge base keeps its Russian and Ukrainian spellings.

The loader merges every ``aliases-*.yaml`` beside the knowledge-base file; a project copies
``entities.yaml``, so it must copy those too, or an edited project KB stops linking Путин to
Putin. The Russian line is real (tgcontest-articles 667ea8b437b1, mir24.tv).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workbench.annotate.cyrillic import lemma_index, piece_mentions, sentence_starts
from workbench.annotate.kb import load_kb

REPO = Path(__file__).resolve().parents[1]
LINE = ("Президент России Владимир Путин сообщил, что дорожит товарищескими отношениями с "
        "Токаевым. Об этом Путин заявил в телефонном разговоре.")
NEW_ENTITY = """
  - id: local:kassym-jomart-tokayev   # added in the project
    name: Kassym-Jomart Tokayev
    type: PERSON
    affiliation: Kazakhstan
    aliases:
      - Kassym-Jomart Tokayev
      - Tokayev
"""


def _init(folder: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "workbench", "init", str(folder)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return folder


def _ids(kb, text: str, language: str = "ru") -> dict[str, str]:
    rows = piece_mentions(text, language, kb, lemma_index(kb), sentence_starts(text))
    return {r["text"]: r["entity_id"] for r in rows}


def test_init_copies_the_alias_files_with_the_knowledge_base(tmp_path):
    project = _init(tmp_path / "study")
    shipped = sorted((REPO / "data" / "kb").glob("aliases-*.yaml"))
    assert shipped
    for source in shipped:
        copy = project / "data" / "kb" / source.name
        assert copy.read_bytes() == source.read_bytes()


def test_an_edited_project_kb_still_links_cyrillic_spellings(tmp_path, monkeypatch):
    project = _init(tmp_path / "study")
    kb_file = project / "data" / "kb" / "entities.yaml"
    with kb_file.open("a", encoding="utf-8") as fh:  # the researcher adds an entity
        fh.write(NEW_ENTITY)
    monkeypatch.delenv("WORKBENCH_KB", raising=False)
    monkeypatch.chdir(project / "notebooks")  # where a notebook opened in JupyterLab runs
    kb = load_kb()  # the project's file, found through its report.yml
    assert kb.get("local:kassym-jomart-tokayev") is not None
    assert kb.lookup("Путин")[0].id == kb.lookup("Путін")[0].id == "Q7747"
    assert kb.lookup("Київ") == (kb.get("Q1899"), "kyiv")
    ids = _ids(kb, LINE)
    assert ids["Владимир Путин"] == ids["Путин"] == "Q7747"


def test_without_the_alias_file_the_cyrillic_names_are_not_linked(tmp_path):
    # What a project made before the alias file travelled gets (and why init copies it).
    project = _init(tmp_path / "study")
    for alias_file in (project / "data" / "kb").glob("aliases-*.yaml"):
        alias_file.unlink()
    kb = load_kb(project / "data" / "kb" / "entities.yaml")
    assert kb.lookup("Путин") is None
    assert _ids(kb, LINE).get("Путин") != "Q7747"
