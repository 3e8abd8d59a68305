"""Project-list import at scale (issue 5): the fast paths must store what the plain ones did.

The fingerprint is recomputed here from the stored rows with the formula ledgers already hold;
expected history is worked out from the two lists' own data, never read back from innovtrack.
"""

from __future__ import annotations

import csv
import hashlib

import pytest

from innovtrack.ledger import import_projects
from ledger_rows import stored_projects

HEADER = ["项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "行业", "建设性质",
          "总投资（万元）", "2016年计划投资（万元）", "2017年计划投资（万元）", "责任单位",
          "计划开工时间", "计划投产时间", "主要建设内容"]
REGIONS = ["西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州", "玉树州", "海西州"]
FP_FIELDS = ("name", "enterprise", "region", "category", "sector", "industry", "stage",
             "total_investment", "responsible_unit", "planned_start", "planned_completion",
             "content")


def make_rows(n: int) -> list[list[str]]:
    return [[f"B-{i:05d}", f"第{i}号项目", f"青海第{i % 97}有限公司", REGIONS[i % 8],
             "企业技术创新项目", "装备制造", "" if i % 3 else "专用设备", "续建" if i % 2 else "新建",
             str(1000 + i % 700), str(300 + i % 200), "" if i % 5 == 0 else str(i % 300),
             "" if i % 4 else "省工信厅", "2016-03", f"2017-{1 + i % 12:02d}",
             "" if i % 7 == 0 else f"建设内容{i}"] for i in range(1, n + 1)]


def write(path, rows, header=HEADER) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])


def stored_fingerprints(ledger) -> dict[str, tuple[str, str]]:
    """{code: (stored fingerprint, digest of the stored values by the ledger's formula)}."""
    with ledger.read() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT id, code, fingerprint, {', '.join(FP_FIELDS)} FROM project").all()
        plans: dict[int, dict[int, int]] = {}
        for pid, year, amount in conn.exec_driver_sql(
                "SELECT project_id, year, amount FROM project_plan"):
            plans.setdefault(pid, {})[year] = amount
    out = {}
    for pid, code, fingerprint, *values in rows:
        pairs = list(zip(FP_FIELDS, values, strict=True))
        pairs += [(f"plan_{y}", a) for y, a in sorted(plans.get(pid, {}).items())]
        text = "\x1f".join(f"{k}={'' if v is None else v}" for k, v in pairs)
        out[code] = (fingerprint, hashlib.sha1(text.encode()).hexdigest())
    return out


def test_stored_fingerprint_is_the_digest_of_the_stored_values(ledger, tmp_path):
    path = tmp_path / "list.csv"
    # Plan columns out of year order: the digest still takes the plans by year.
    header = HEADER[:9] + [HEADER[10], HEADER[9]] + HEADER[11:]
    write(path, [r[:9] + [r[10], r[9]] + r[11:] for r in make_rows(40)], header)
    import_projects(ledger, path)
    pairs = stored_fingerprints(ledger)
    assert len(pairs) == 40
    assert all(stored == recomputed for stored, recomputed in pairs.values())
    # The same values again are recognised as unchanged.
    write(tmp_path / "again.csv", make_rows(40))
    again = import_projects(ledger, tmp_path / "again.csv")
    assert (again.added, again.updated, again.unchanged) == ([], [], 40)


def expected_changes(before: list[str], after: list[str]) -> set[tuple[str, str | None, str]]:
    """(field, old, new) as text, from the two rows of the lists (amounts in 万元 → 元)."""
    money = {8: "total_investment", 9: "plan_2016", 10: "plan_2017"}
    names = {1: "name", 2: "enterprise", 6: "industry", 11: "responsible_unit", 14: "content"}
    out = set()
    for pos, fieldname in (money | names).items():
        old, new = before[pos], after[pos]
        if old == new or (pos in money and new == ""):
            continue  # an empty plan cell leaves the plan as it was
        as_text = (lambda v: str(int(v) * 10_000) if v else None) if pos in money \
            else (lambda v: v or None)
        out.add((fieldname, as_text(old), as_text(new)))
    return out


@pytest.mark.parametrize("changed_every", [1, 2, 40])  # most of the ledger, half, a few
def test_updates_record_each_changed_field_however_many_change(ledger, tmp_path, changed_every):
    rows = make_rows(120)
    write(tmp_path / "first.csv", rows)
    import_projects(ledger, tmp_path / "first.csv")
    updated = []
    for i, row in enumerate(rows):
        row = list(row)
        if i % changed_every == 0:
            row[8] = str(int(row[8]) + 1)
            row[10] = str(int(row[10] or 0) + 5) if i % 3 else row[10]
            row[14] = "" if i % 2 else row[14] + "（调整）"
            row[6] = "新行业" if i % 4 == 0 else row[6]
        updated.append(row)
    write(tmp_path / "second.csv", updated)
    result = import_projects(ledger, tmp_path / "second.csv")

    want = {b[0]: expected_changes(b, a) for b, a in zip(rows, updated, strict=True)}
    want = {code: changes for code, changes in want.items() if changes}
    assert sorted(result.updated) == sorted(want)
    assert {code: set(changes) for code, changes in result.changes.items()} == want
    with ledger.read() as conn:
        history = conn.exec_driver_sql(
            "SELECT p.code, h.field, h.old_value, h.new_value FROM project_history h"
            " JOIN project p ON p.id = h.project_id").all()
    stored_history: dict[str, set] = {}
    for code, fieldname, old, new in history:
        stored_history.setdefault(code, set()).add((fieldname, old, new))
    assert stored_history == want
    stored = stored_projects(ledger)
    for row in updated:
        assert stored[row[0]]["total_investment"] == int(row[8]) * 10_000
        assert stored[row[0]]["content"] == (row[14] or None)
        want_2017 = row[10] or next(r[10] for r in rows if r[0] == row[0])
        assert stored[row[0]]["plans"].get("2017") == (int(want_2017) * 10_000
                                                        if want_2017 else None)
    assert all(s == r for s, r in stored_fingerprints(ledger).values())


def test_a_large_list_is_stored_whole_with_sound_references(ledger, tmp_path, is_pg):
    # From 10,000 rows SQLite writes without its per-row foreign-key lookups: every id
    # written must still point at its project.
    rows = make_rows(12_000)
    write(tmp_path / "big.csv", rows)
    result = import_projects(ledger, tmp_path / "big.csv")
    assert len(result.added) == 12_000
    stored = stored_projects(ledger)
    assert len(stored) == 12_000
    for row in rows[::997]:
        plans = {year: int(v) * 10_000 for year, v in (("2016", row[9]), ("2017", row[10])) if v}
        assert stored[row[0]]["plans"] == plans and stored[row[0]]["region"] == row[3]
    with ledger.read() as conn:
        orphans = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM project_plan pp LEFT JOIN project p ON p.id = pp.project_id"
            " WHERE p.id IS NULL").scalar()
        if not is_pg:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert orphans == 0
