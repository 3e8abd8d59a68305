"""The README's first command runs as written (less the install), and `progress import` of
several files records each in order, stopping at the first rejected file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT

README = ROOT / "README.md"
BIN = Path(sys.executable).parent


def _first_command() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)\n```", text, re.S)
    assert block, "README opens with no sh block"
    lines = [line for line in block.group(1).splitlines() if line.strip() and
             not line.startswith("#")]
    return lines[0]


def test_readme_opens_with_install_and_test_commands():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", text, re.S)
    first, second = blocks[0], blocks[1]
    assert "pip install" in first and "innovtrack import data/seed_projects.csv" in first
    assert "report quarterly" in first
    assert "pip install" in second and "pytest" in second
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = [line for line in second.splitlines() if "pytest" in line][0].strip()
    assert test_command in ci, ".ci/run must run the README's test command"


def test_readme_first_command_runs(db_location):
    command = _first_command()
    steps = [s.strip() for s in command.split("&&")]
    assert steps[0].startswith("python3 -m venv") and "pip install" in steps[1]
    # the install is what CI does anyway; run the rest with this environment's innovtrack
    rest = " && ".join(steps[2:]).replace(".venv/bin/", f"{BIN}/")
    env = dict(os.environ, INNOVTRACK_DB=db_location)
    run = subprocess.run(["bash", "-c", rest], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "二季度" in run.stdout and "进度滞后项目" in run.stdout


def test_progress_import_of_several_files_stops_at_the_first_rejected(cli, snapshot):
    assert cli("import", ROOT / "data" / "seed_projects.csv").code == 0
    good = ROOT / "data" / "months" / "2016-01.csv"
    bad = FIXTURES / "progress" / "bad" / "amount_text.csv"
    run = cli("progress", "import", good, bad)
    assert run.code == 1
    assert f"{bad}:" in run.stderr and str(good) in run.stderr
    entries = snapshot()["progress_entry"]
    assert len(entries) == 200  # the first file stays recorded, the bad one wrote nothing
    run = cli("progress", "import", ROOT / "data" / "months" / "2016-02.csv",
              ROOT / "data" / "months" / "2016-03.csv")
    assert run.code == 0, run.stderr
    assert len(snapshot()["progress_entry"]) == 600


STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _marked(name: str, lang: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- {name}:begin -->\n```{lang}\n(.*?)\n```\n<!-- {name}:end -->", text,
                  re.S)
    assert m, f"README has no {name} block"
    return m.group(1)


def test_readme_issued_reprint_and_diff_run_as_printed(cli, db_location, tmp_path):
    """On the demo ledger: issue the Q2 report, correct an entry and add a late one, list,
    reprint (cmp), --known-at issued:1, and the diff, which prints what the README shows."""
    assert cli("import", ROOT / "data" / "seed_projects.csv").code == 0
    assert cli("progress", "import", *sorted((ROOT / "data" / "months").glob("*.csv"))).code == 0
    commands = _marked("reproducible", "sh").replace("innovtrack ", f"{BIN}/innovtrack ")
    env = dict(os.environ, INNOVTRACK_DB=db_location)
    env.pop("INNOVTRACK_TZ", None)
    run = subprocess.run(["bash", "-e", "-c", commands], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "byte for byte as sent" in run.stdout
    assert "报省政府办公厅" in run.stdout  # the listing
    sent = json.loads((tmp_path / "2016Q2-sent.json").read_text(encoding="utf-8"))
    assert sent["narrative"] in run.stdout  # --known-at issued:1 --format text
    diff = run.stdout[run.stdout.index("# 百项创新攻坚工程"):]
    assert STAMP.sub("T", diff.strip()) == STAMP.sub("T", _marked("reproducible-diff", "text"))
    assert "| 更正 | CX-006 |" in diff and "企业复核后更正" in diff


def _console_block(command: str) -> list[str]:
    """The lines the README shows under `$ command`, up to the next prompt or the block's end."""
    text = README.read_text(encoding="utf-8")
    for block in re.findall(r"```console\n(.*?)\n```", text, re.S):
        lines = block.splitlines()
        if f"$ {command}" in lines:
            start = lines.index(f"$ {command}") + 1
            shown = []
            for line in lines[start:]:
                if line.startswith("$ "):
                    break
                shown.append(line)
            return [line for line in shown if line.strip()]
    raise AssertionError(f"README shows no `$ {command}`")


def test_readme_regional_file_import_prints_what_it_shows(cli, monkeypatch):
    monkeypatch.chdir(ROOT)  # the README names the files relative to the checkout
    assert cli("import", "data/seed_projects.csv").code == 0
    for month in range(1, 7):
        assert cli("progress", "import", f"data/months/2016-{month:02d}.csv").code == 0
    command = "innovtrack progress import data/examples/haidong_2016-07.csv"
    run = cli(*command.split()[1:])
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == _console_block(command)
