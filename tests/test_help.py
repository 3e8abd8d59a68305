"""Help is documentation (STYLE §10) and start-up stays light (STYLE §12, issue 5 item 3).

The walk covers the whole Typer app, sub-apps included, so a command added later without help
or an example fails here.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest
import typer

from innovtrack.cli import app

HEAVY = ("sqlalchemy", "sqlmodel", "pandas", "xlsxwriter", "openpyxl", "python_calamine", "docx")


def is_group(command) -> bool:
    return hasattr(command, "commands")  # typer ships its own click: no isinstance on click's


def walk(command, path: tuple[str, ...] = ()):
    """(path, command) for the root, every group and every command under it."""
    yield path, command
    if is_group(command):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


ROOT = typer.main.get_command(app)
ALL = list(walk(ROOT))
COMMANDS = [(p, c) for p, c in ALL if not is_group(c)]


def test_the_walk_finds_the_commands_of_issue_2():
    paths = {" ".join(p) for p, _ in COMMANDS}
    assert {"import", "check", "projects list", "projects show"} <= paths


@pytest.mark.parametrize("path, command", ALL, ids=[" ".join(p) or "innovtrack" for p, _ in ALL])
def test_every_command_and_group_has_help(path, command):
    assert (command.help or "").strip(), f"innovtrack {' '.join(path)} has no help"


def _examples(command) -> list[str]:
    return [line.strip()[len("Example:"):].strip() for line in (command.help or "").splitlines()
            if line.strip().startswith("Example:")]


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_an_example_of_itself(path, command):
    examples = _examples(command)
    assert examples, f"innovtrack {' '.join(path)}: no 'Example:' line in its help"
    for example in examples:
        words = shlex.split(example.split("&&")[0].split("|")[0])
        assert words[:1 + len(path)] == ["innovtrack", *path], example
        # Every option the example uses is one the command has.
        options = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
        used = {w.split("=")[0] for w in words if w.startswith("-")}
        assert used <= options, f"{example}: unknown {sorted(used - options)}"


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=[" ".join(p) or "innovtrack"
                                                             for p, _ in ALL])
def test_help_runs_and_shows_the_example(cli, path):
    run = cli(*path, "--help")
    assert run.code == 0, run.stderr
    command = dict(ALL)[path]
    if not is_group(command):
        assert "Example:" in run.stdout


# --- light start-up ---------------------------------------------------------------------------

_PROBE = """
import json, sys, typer
from innovtrack.cli import app, main

def walk(cmd, path=()):
    yield path
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from walk(sub, (*path, name))

codes = [main([*path, "--help"]) for path in walk(typer.main.get_command(app))]
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps({"codes": codes, "heavy": heavy}), file=sys.__stderr__)
"""


def test_help_of_every_command_imports_no_heavy_library():
    proc = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(HEAVY)],
                          capture_output=True, text=True, timeout=60)
    result = json.loads(proc.stderr.strip().splitlines()[-1])
    assert set(result["codes"]) == {0}
    assert result["heavy"] == []


def test_root_help_import_time_shows_no_heavy_library():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "from innovtrack.cli import run; run()", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "innovtrack" in imported  # the probe works
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))
