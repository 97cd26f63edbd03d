"""Command-line arguments that make no sense are refused with one line and a non-zero code,
before any work; a closed pipe (`workbench corpus … | head`) ends the command quietly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workbench.cli import main

from conftest import SAMPLE


@pytest.mark.parametrize("argv, says", [
    (["entities", str(SAMPLE), "--type", "FOO"], "--type: unknown entity type FOO"),
    (["entities", str(SAMPLE), "--type", "person", "--type", "planet"], "PLANET"),
    (["entities", str(SAMPLE), "--top", "0"], "--top: must be 1 or more"),
    (["entities", str(SAMPLE), "--jobs", "-2"], "--jobs: must be 1 or more"),
    (["corpus", str(SAMPLE), "--limit", "-5"], "--limit: must be 0 or more"),
    (["corpus", str(SAMPLE), "--limit", "ten"], "expected a whole number, got 'ten'"),
    (["corpus", str(SAMPLE), "--max-file-mb", "0"], "--max-file-mb: must be more than 0"),
    (["corpus", str(SAMPLE), "--field", "foo=bar"], "unknown field 'foo'"),
    (["corpus", str(SAMPLE), "--field", "text"], "--field wants NAME=KEY"),
    (["corpus", str(SAMPLE), "--field", "text="], "--field wants NAME=KEY"),
    (["corpus", str(SAMPLE), "--out", "x.xlsx"], "--out must end in .csv or .parquet"),
    (["report", "--jobs", "0"], "--jobs: must be 1 or more"),
])
def test_bad_arguments_are_one_line_and_fail(argv, says, capsys):
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], err
    assert "Traceback" not in err and "Empty DataFrame" not in err


def test_valid_types_are_case_insensitive_and_known(capsys):
    from workbench.cli.annotate import entity_types

    assert entity_types(["person", " Org "]) == ["PERSON", "ORG"]
    assert entity_types([]) is None


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "corpus", str(SAMPLE)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader leaves at once, like `| head -0`
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 141
