"""The plain monthly layout (编号, 月份, 本月, 累计, 形象进度, 存在问题) is checked by a fast inline
path; every other layout by the general one. Both must find the same problems in the same
rows and record the same entries, so each bad fixture is run through both and compared."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from innovtrack.errors import Rejected
from innovtrack.progress import import_progress, withdraw_project
from test_progress_import import BAD, EXPECTED_BAD, SEED, bad_cases, replay

FAST_HEADER = ["项目编号", "月份", "本月完成投资（万元）", "自年初累计完成投资（万元）", "形象进度",
               "存在问题"]


def _warm_rows(ledger, body: list[list[str]]) -> list[list[str]]:
    """Good 2016-07 rows, one per status text the file uses, for projects the file does not
    name and whose June status is that one. Put first, they fill the month and status caches,
    so the file's own rows can take the fast path (a row whose month or status text is met for
    the first time always goes through general())."""
    from innovtrack import programme

    avoid = {r[0] for r in body}
    with ledger.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.code, SUM(e.amount), MAX(CASE WHEN e.month = '2016-06' THEN e.status END)"
            " FROM progress_entry e JOIN project p ON p.id = e.project_id"
            " WHERE e.superseded_by IS NULL AND p.state = 'active'"
            " AND e.month >= '2016-01' AND e.month <= '2016-06' GROUP BY p.code"
            " ORDER BY p.code").all()
    warm = []
    for text in dict.fromkeys(r[4] for r in body if len(r) > 4 and r[4]):
        try:
            wanted = programme.status_code(text)
        except programme.UnknownValue:
            continue
        for code, ytd, status in rows:
            if code not in avoid and status == wanted:
                warm.append([code, "2016-07", "0", str(Decimal(int(ytd)) / 10_000), text, ""])
                avoid.add(code)
                break
    return warm


def _variants(src, tmp_path, warm=None):
    """(fast, general): the file with exactly the plain layout, and with a 备注 column more."""
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    if warm is not None:
        body = warm(body) + body
    pick = [header.index(h) if h in header else None for h in FAST_HEADER]
    made = []
    for name, extra in (("fast", []), ("general", ["备注"])):
        path = tmp_path / name / src.name
        path.parent.mkdir(exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(FAST_HEADER + extra)
            for r in body:
                w.writerow([r[i] if i is not None and i < len(r) else "" for i in pick]
                           + [""] * len(extra))
        made.append(path)
    return made


def _problems(ledger, path):
    with pytest.raises(Rejected) as exc:
        import_progress(ledger, path)
    return sorted((p.row, p.column, re.sub(r"\S*/(fast|general)/", "", p.message))
                  for p in exc.value.problems)


@pytest.mark.parametrize("name", [n for n in bad_cases() if not n.startswith("corrections")])
def test_fast_and_general_paths_find_the_same_problems(ledger, tmp_path, name):
    from innovtrack.ledger import import_projects

    import_projects(ledger, SEED)
    seeded = ledger
    replay(seeded)
    withdraw_project(seeded, EXPECTED_BAD["_withdrawn_project"], "2016-07", "企业经营困难")
    fast, general = _variants(BAD / name, tmp_path, lambda body: _warm_rows(seeded, body))
    assert _problems(seeded, fast) == _problems(seeded, general)


def test_fast_and_general_paths_record_the_same_entries(ledger, tmp_path):
    from innovtrack.ledger import import_projects
    from test_progress_import import GOOD, SEED

    import_projects(ledger, SEED)
    src = GOOD / "2016-01_全省汇总.csv"
    fast, general = _variants(src, tmp_path)

    def entries():
        with ledger.read() as conn:
            return sorted(conn.exec_driver_sql(
                "SELECT p.code, e.month, e.amount, e.ytd, e.status, e.problem"
                " FROM progress_entry e JOIN project p ON p.id = e.project_id").all())

    import_progress(ledger, fast)
    first = entries()
    assert len(first) > 100
    with ledger.write() as conn:
        conn.exec_driver_sql("DELETE FROM progress_entry")
        conn.exec_driver_sql("DELETE FROM import_batch WHERE kind <> 'projects'")
    import_progress(ledger, general)
    assert entries() == first
