"""The README's first command: the demo data in data/ gives a report worth reading, the data is
what its script makes, and the README shows the report exactly as it prints."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MONTHS = sorted((ROOT / "data" / "months").glob("2016-0*.csv"))
README = ROOT / "README.md"


def first_command(cli) -> None:
    """innovtrack import data/seed_projects.csv; progress import every month (as the README)."""
    run = cli("import", ROOT / "data" / "seed_projects.csv")
    assert run.code == 0, run.stderr
    assert [m.stem for m in MONTHS] == [f"2016-{m:02d}" for m in range(1, 7)]
    for path in MONTHS:
        run = cli("progress", "import", path)
        assert run.code == 0, run.stderr


def test_demo_months_are_what_the_script_makes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo_months.py"), "--output",
                    str(tmp_path)], check=True, capture_output=True, timeout=120)
    made = sorted(tmp_path.glob("*.csv"))
    assert [p.name for p in made] == [p.name for p in MONTHS]
    for mine, theirs in zip(made, MONTHS, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), theirs.name


def test_the_demo_report_is_meaningful(cli):
    first_command(cli)
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "json")
    assert run.code == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["total"]["projects"] == 200
    gaps = [row["gap_pp"] for row in got["by_sector"] if row["gap_pp"] is not None]
    assert max(gaps) > 0, "some sector ahead of schedule"
    assert min(gaps) < -10, "some sector behind (yellow or red)"
    reasons = [r for x in got["lagging"] for r in x["reasons"]]
    assert 1 <= reasons.count("not_started") <= 15, "a few new projects not yet started"
    assert 1 <= reasons.count("unreported") <= 10, "a few projects that did not report"
    assert {x["warning"] for x in got["lagging"]} >= {"red", "yellow"}
    assert got["problems"], "problems awaiting coordination"
    assert got["total"]["completed"] >= 1
    assert 0 < got["total"]["started"] < 200


def _block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- report:{name}:begin -->\n```text\n(.*?)\n```\n<!-- report:{name}:end -->",
                  text, re.S)
    assert m, f"README has no {name} block"
    return m.group(1)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


@pytest.mark.parametrize("fmt, block", [("table", "quarterly"), ("text", "narrative")])
def test_readme_shows_the_report_as_it_prints(cli, fmt, block):
    first_command(cli)
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", fmt)
    assert run.code == 0, run.stderr
    assert _lines(run.stdout) == _lines(_block(block)), (
        "README is out of date: paste the output of the README's first command")
