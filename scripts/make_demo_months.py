"""Generate data/months/2016-01.csv … 2016-06.csv: an ILLUSTRATIVE half year of monthly progress
reports for the 200 projects of data/seed_projects.csv.

Invented, like the seed list, so that the README's first command shows a report worth reading:
some sectors ahead of 时序进度 and some behind, a few new projects not started by June, a few
projects that did not report, some suspended, some completed on time, and problems awaiting
coordination. Each file is laid out the way the commission's compiled monthly table is: a
title row, a 单位 line, the header, one row per project that reported, and a 合计 row.

Deterministic (fixed seed), standard library only. Amounts in 万元 to one decimal; every
自年初累计 figure is exactly the sum of the month amounts before it.

    python scripts/make_demo_months.py [--seed-list PATH] [--output DIR]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20160630
MONTHS = 6
YEAR = 2016
HEADER = ["序号", "项目编号", "月份", "本月完成投资（万元）", "自年初累计完成投资（万元）", "形象进度",
          "存在问题", "备注"]

# Share of a year's work done in each month on the plateau: little in the winter months.
SEASON = [0.04, 0.04, 0.08, 0.10, 0.12, 0.12, 0.12, 0.12, 0.10, 0.08, 0.05, 0.03]
# How each field is going this year (1.0 = on the seasonal schedule).
SECTOR_PACE = {
    "传统产业": 0.97, "新兴产业": 1.12, "节能环保": 0.62, "电子信息": 1.06,
    "新能源": 1.15, "装备制造": 0.9, "新材料": 1.0, "化工": 0.72, "生物医药": 1.04,
    "有色和冶金": 0.86, "轻工纺织": 0.95,
}
PROBLEMS_START = [
    "项目用地手续尚未办结，需国土资源部门协调",
    "环评批复尚未取得，需环保部门加快审批",
    "项目资本金未到位，需协调银行贷款",
    "征地拆迁进度滞后，需当地政府协调",
]
PROBLEMS_BUILDING = [
    "配套电网接入工程滞后，需省电力公司协调",
    "天然气供应不足，需协调气源保障",
    "企业融资困难，流动资金紧张，需协调金融机构支持",
    "铁路专用线建设滞后，影响设备运输",
    "关键设备进口报关周期长，需协调海关加快办理",
]
PROBLEMS_SUSPENDED = [
    "受产品市场价格下跌影响，企业暂缓建设",
    "企业资金链紧张，项目暂停施工",
]


def month_label(m: int) -> str:
    return f"{YEAR}-{m:02d}"


def tenth(value: float) -> Decimal:
    """万元 to one decimal, as offices fill the table."""
    return Decimal(str(round(value, 1)))


def read_seed(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def plan_months(rng: random.Random, projects: list[dict]) -> dict[str, list[tuple | None]]:
    """code -> six (amount 万元, status, problem, note) or None for a month not reported."""
    new = [p for p in projects if p["建设性质"] == "新建"]
    continuing = [p for p in projects if p["建设性质"] == "续建"]
    # New projects due to start by June, a few of which will not: the June deadline matters.
    due_new = sorted((p for p in new if p["计划开工时间"] <= month_label(6)),
                     key=lambda p: p["项目编号"])
    not_started = set(p["项目编号"] for p in rng.sample(due_new, 6))
    late_start = set(p["项目编号"] for p in rng.sample(
        [p for p in due_new if p["项目编号"] not in not_started], 10))
    suspended = set(p["项目编号"] for p in rng.sample(continuing, 3))
    # Projects that did not send June's report, and two that have sent nothing since April.
    silent = sorted(p["项目编号"] for p in projects if p["项目编号"] not in not_started)
    missing_june = set(rng.sample(silent, 6))
    missing_since_may = set(rng.sample(sorted(missing_june), 2))
    problems_building = set(p["项目编号"] for p in rng.sample(
        [p for p in projects if p["项目编号"] not in not_started | suspended], 9))

    out: dict[str, list[tuple | None]] = {}
    for p in projects:
        code = p["项目编号"]
        plan = float(p["2016年计划投资（万元）"])
        pace = SECTOR_PACE[p["领域"]] * rng.uniform(0.9, 1.15)
        if rng.random() < 0.05:
            pace *= 0.4  # a project well behind for reasons of its own
        start = 1
        if p["建设性质"] == "新建":
            start = int(p["计划开工时间"][5:7]) if p["计划开工时间"][:4] == str(YEAR) else 1
            if code in late_start:
                start += rng.choice((1, 2))
            if code in not_started:
                start = 99
        finish = None
        if p["计划投产时间"][:4] == str(YEAR):
            finish = int(p["计划投产时间"][5:7])
            if rng.random() < 0.25:
                finish += rng.choice((1, 2, 3))  # slipping
        suspend_from = rng.choice((4, 5)) if code in suspended else None
        # The year's plan spread over the months the project is scheduled to build in.
        first = int(p["计划开工时间"][5:7]) if p["计划开工时间"][:4] == str(YEAR) else 1
        last = int(p["计划投产时间"][5:7]) if p["计划投产时间"][:4] == str(YEAR) else 12
        window = sum(SEASON[first - 1:last]) or 1.0

        months: list[tuple | None] = []
        problem_text = None
        if code in not_started:
            problem_text = rng.choice(PROBLEMS_START)
        elif code in suspended:
            problem_text = rng.choice(PROBLEMS_SUSPENDED)
        elif code in problems_building:
            problem_text = rng.choice(PROBLEMS_BUILDING)
        for m in range(1, MONTHS + 1):
            if m == 6 and code in missing_june or m >= 5 and code in missing_since_may:
                months.append(None)
                continue
            note = ""
            if m < start:
                status = "前期"
                amount = plan * rng.uniform(0.0, 0.006)  # design, land, approvals
                if m == start - 1 and start <= MONTHS:
                    note = "已完成施工招标"
            elif suspend_from and m >= suspend_from:
                status, amount = "停缓建", 0.0
            elif finish and m >= finish:
                status = "建成投产"
                amount = plan * SEASON[m - 1] / window * 0.5 if m == finish else 0.0
                if m == finish:
                    note = "已建成投产"
            else:
                status = "在建"
                amount = plan * SEASON[m - 1] / window * pace * rng.uniform(0.85, 1.15)
                if p["建设性质"] == "新建" and m == start:
                    # a new project books its main equipment orders when it breaks ground
                    amount += plan * 0.22 * pace
                    note = "本月开工，主要设备已订货"
            problem = ""
            if problem_text and (m >= 4 or code in not_started and m >= 3):
                problem = problem_text
            if status == "停缓建":
                problem = problem_text or ""
            months.append((tenth(amount), status, problem, note))
        out[code] = months
    return out


def write_months(projects: list[dict], months: dict[str, list[tuple | None]], outdir: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    ytd = {p["项目编号"]: Decimal(0) for p in projects}
    for m in range(1, MONTHS + 1):
        rows = []
        for p in projects:
            code = p["项目编号"]
            entry = months[code][m - 1]
            if entry is None:
                continue
            amount, status, problem, note = entry
            ytd[code] += amount
            rows.append([len(rows) + 1, code, month_label(m), amount, ytd[code], status, problem,
                         note])
        path = outdir / f"{month_label(m)}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f"青海省百项创新攻坚工程{YEAR}年{m}月项目进展情况表"] + [""] * 7)
            w.writerow(["填报单位：省经济和信息化委员会（汇总）"] + [""] * 6 + ["单位：万元"])
            w.writerow(HEADER)
            w.writerows(rows)
            w.writerow(["合计", "", "", sum(r[3] for r in rows), sum(r[4] for r in rows), "", "",
                        ""])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed-list", type=Path, default=ROOT / "data" / "seed_projects.csv")
    ap.add_argument("--output", type=Path, default=ROOT / "data" / "months")
    args = ap.parse_args(argv)
    projects = read_seed(args.seed_list)
    rng = random.Random(SEED)
    write_months(projects, plan_months(rng, projects), args.output)
    print(f"wrote {MONTHS} monthly reports for {len(projects)} projects to {args.output}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
