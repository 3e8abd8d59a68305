#!/usr/bin/env python3
"""Generate a synthetic innovation programme: a project list and monthly report files.

The files look like what regional offices send in (Chinese headers, amounts in 万元), so the
benchmark exercises the same parsing and validation as real data. Stdlib only.

    python benchmarks/generate.py OUTDIR [--projects N] [--months M] [--start 2016-01]
                                         [--seed S] [--big-rows R]

Writes OUTDIR/projects.csv, OUTDIR/progress_YYYY-MM.csv for every month,
OUTDIR/progress_1m.csv (the first R rows of all month files in month order, default R =
1,000,000, or every row if there are fewer) and OUTDIR/manifest.json.

Determinism: every project draws from its own random stream seeded by (seed, project
number), so a project's data does not depend on how many projects or months are generated
around it, and the files are byte-identical for the same arguments.

Memory stays bounded at any size: projects are generated one at a time and each project's
row for a month is appended to that month's file (at most MAX_OPEN month files are open at
once; more months take more passes over the projects).

Money is computed in integer hundredths of 万元 (100 元 units) so that every year-to-date
figure is exactly the sum of the month amounts written before it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from pathlib import Path

GENERATOR_VERSION = 1
MAX_OPEN = 128  # month files open at once

PROJECT_HEADER_HEAD = [
    "项目编号",
    "项目名称",
    "项目单位",
    "所在地区",
    "类别",
    "领域",
    "行业",
    "建设性质",
    "总投资（万元）",
]
PROJECT_HEADER_TAIL = ["责任单位", "计划开工时间", "计划投产时间", "主要建设内容"]
PROGRESS_HEADER = [
    "项目编号",
    "月份",
    "本月完成投资（万元）",
    "自年初累计完成投资（万元）",
    "形象进度",
    "存在问题",
]

TACKLING = "创新攻坚项目"
ENTERPRISE = "企业技术创新项目"

# (region, weight, place names used in enterprise names, responsible unit)
REGIONS = [
    ("西宁市", 28, ["西宁", "青海", "湟中", "大通"], "西宁市工业和信息化局"),
    ("海东市", 14, ["海东", "平安", "乐都", "民和", "互助"], "海东市工业和信息化局"),
    ("海北州", 5, ["海北", "门源", "祁连"], "海北州工业和信息化局"),
    ("黄南州", 3, ["黄南", "同仁", "尖扎"], "黄南州工业和信息化局"),
    ("海南州", 7, ["海南州", "共和", "贵德"], "海南州工业和信息化局"),
    ("果洛州", 2, ["果洛", "玛沁"], "果洛州工业和信息化局"),
    ("玉树州", 2, ["玉树", "囊谦"], "玉树州工业和信息化局"),
    ("海西州", 27, ["格尔木", "德令哈", "柴达木", "大柴旦", "乌兰"], "海西州工业和信息化局"),
    ("省直", 12, ["青海", "青海省"], "省经济和信息化委员会"),
]

# sector -> (weight, [(industry, [products])])
_PRODUCTS = {
    "有色": [
        "电解铝精深加工",
        "高精度铝板带箔",
        "铜箔",
        "镍钴冶炼",
        "黄金采选",
        "锌冶炼渣综合回收",
    ],
    "化工": ["钾肥", "氯化镁", "碳酸锂", "硼酸", "甲醇", "聚氯乙烯", "氢氧化锂", "盐湖卤水提锂"],
    "装备制造": ["重型数控机床", "风电塔筒", "专用汽车", "矿山机械", "环保设备", "光伏支架"],
    "轻工纺织": ["藏毯", "牦牛绒制品", "青稞酒", "乳制品", "民族服饰", "枸杞饮品"],
    "新能源": [
        "单晶硅片",
        "高效光伏电池",
        "光热发电储能材料",
        "锂离子电池",
        "晶硅切方",
        "聚光光伏组件",
    ],
    "新材料": ["3D打印材料", "镁合金", "轻金属合金材料", "锂电池正极材料", "光电材料", "碳纤维"],
    "生物医药": [
        "冬虫夏草精深加工",
        "枸杞精深加工",
        "中藏药",
        "沙棘提取物",
        "牦牛骨胶原蛋白",
        "藏药制剂",
    ],
    "环保设备": ["除尘设备", "污水处理设备", "脱硫脱硝装置"],
    "固废处置": ["工业危险固废处置", "电解铝废渣处置", "含铬废渣治理"],
    "资源循环": ["废旧电池回收", "工业副产石膏利用", "铝灰综合利用"],
    "家用电器": ["节能空调", "小家电"],
    "LED": ["LED外延片", "LED照明灯具"],
    "电子产品": ["电子元器件", "智能终端", "锂电铜箔"],
}
SECTORS = {
    TACKLING: [
        ("传统产业", 45, ["有色", "化工", "装备制造", "轻工纺织"]),
        ("新兴产业", 44, ["新能源", "新材料", "生物医药"]),
        ("节能环保", 5, ["环保设备", "固废处置", "资源循环"]),
        ("电子信息", 6, ["家用电器", "LED", "电子产品"]),
    ],
    ENTERPRISE: [
        ("新能源", 20, ["新能源"]),
        ("装备制造", 14, ["装备制造"]),
        ("新材料", 18, ["新材料"]),
        ("化工", 14, ["化工"]),
        ("生物医药", 12, ["生物医药"]),
        ("有色和冶金", 12, ["有色"]),
        ("轻工纺织", 10, ["轻工纺织"]),
    ],
}
_UNITS = {
    "有色": ["万吨", "吨"],
    "化工": ["万吨", "吨"],
    "装备制造": ["台", "套", "辆"],
    "轻工纺织": ["万平方米", "吨", "万件"],
    "新能源": ["兆瓦", "万片", "万只"],
    "新材料": ["吨", "万吨"],
    "生物医药": ["吨", "万盒"],
    "环保设备": ["台", "套"],
    "固废处置": ["万吨", "吨"],
    "资源循环": ["万吨", "吨"],
    "家用电器": ["万台"],
    "LED": ["万片", "万只"],
    "电子产品": ["万件", "吨"],
}
_NAME_KINDS = [
    "项目",
    "技术改造项目",
    "扩建项目",
    "产业化项目",
    "技术攻关项目",
    "生产线建设项目",
    "智能化改造项目",
    "综合利用项目",
]
_BRANDS = [
    "昆仑",
    "三江",
    "祁连",
    "高原",
    "青藏",
    "金河",
    "华鑫",
    "盐湖",
    "柴达木",
    "雪域",
    "河湟",
    "湟水",
    "青海湖",
    "唐古拉",
    "可可西里",
    "日月山",
    "江河源",
    "瀚海",
    "丝路",
    "西部",
    "中天",
    "鑫源",
    "恒信",
    "天润",
    "阳光",
    "锦泰",
    "宏达",
    "聚能",
    "瑞丰",
    "博宇",
]
_ENTERPRISE_KINDS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
_CONTENT = [
    "新建生产线{n}条及配套公用工程",
    "购置关键设备{n}台（套），建设厂房及辅助设施",
    "建设研发中心及中试线，开发新产品{n}项",
    "对现有装置进行技术改造，新增产能{n}万吨",
    "建设智能化车间{n}座，配套信息化管理系统",
    "实施节能降耗改造，年节约标准煤{n}千吨",
]
_PROBLEMS_DELAY = [
    "用地手续尚未办结",
    "环评批复未下达",
    "项目资金未到位",
    "融资困难，银行贷款未落实",
    "设计方案调整，开工推迟",
    "设备采购招标延期",
]
_PROBLEMS_OTHER = [
    "电力接入工程滞后",
    "冬季停工，待气温回升后复工",
    "原材料价格上涨，投资增加",
    "配套道路建设滞后",
    "技术人才短缺",
    "供水工程尚未完工",
    "需协调解决天然气供应问题",
]
# Qinghai winters stop most building work: a year's money is weighted towards summer.
_SEASON = [3, 3, 6, 9, 10, 11, 11, 11, 11, 10, 8, 7]

for _pool in (_PROBLEMS_DELAY, _PROBLEMS_OTHER, _CONTENT, _BRANDS):
    # progress rows are written without a csv writer; keep them free of CSV metacharacters
    assert not any(c in s for s in _pool for c in ',"\r\n')


def _cumulative(weights):
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


_REGION_CUM = _cumulative([r[1] for r in REGIONS])
_SECTOR_CUM = {cat: _cumulative([s[1] for s in sectors]) for cat, sectors in SECTORS.items()}


def _pick(rng: random.Random, items, cum):
    x = rng.random() * cum[-1]
    for item, c in zip(items, cum, strict=True):
        if x < c:
            return item
    return items[-1]


def month_label(abs_month: int) -> str:
    """Absolute month number (year*12 + month-1) to 'YYYY-MM'."""
    return f"{abs_month // 12:04d}-{abs_month % 12 + 1:02d}"


def parse_month(text: str) -> int:
    year, month = text.split("-")
    if not (1 <= int(month) <= 12):
        raise ValueError(f"bad month: {text}")
    return int(year) * 12 + int(month) - 1


def fmt_hundredths(v: int) -> str:
    """Integer hundredths of 万元 as text with up to 2 decimals: 12345 -> '123.45', 12340 -> '123.4'."""
    q, r = divmod(v, 100)
    if r == 0:
        return str(q)
    if r % 10 == 0:
        return f"{q}.{r // 10}"
    return f"{q}.{r:02d}"


class Project:
    """One synthetic project: its list row and its month-by-month report rows."""

    __slots__ = ("row", "rows")

    def __init__(self, seed: int, number: int, first: int, months: int, years: list[int]):
        rng = random.Random(f"innovtrack-bench:{seed}:{number}")
        last = first + months - 1
        code = f"P{number:06d}"

        category = TACKLING if rng.random() < 0.5 else ENTERPRISE
        sectors = SECTORS[category]
        sector, _, industries = _pick(rng, sectors, _SECTOR_CUM[category])
        industry = industries[int(rng.random() * len(industries))]
        region, _, places, responsible = _pick(rng, REGIONS, _REGION_CUM)
        place = places[int(rng.random() * len(places))]
        brand = _BRANDS[int(rng.random() * len(_BRANDS))]
        products = _PRODUCTS[industry]
        product = products[int(rng.random() * len(products))]
        enterprise = (
            f"{place}{brand}{industry}"
            f"{_ENTERPRISE_KINDS[int(rng.random() * len(_ENTERPRISE_KINDS))]}"
        )
        capacity = rng.choice([1, 2, 3, 5, 6, 8, 10, 12, 15, 20, 30, 50, 100, 200, 500])
        units = _UNITS[industry]
        unit = units[int(rng.random() * len(units))]
        name = f"{brand}年产{capacity}{unit}{product}{_NAME_KINDS[int(rng.random() * len(_NAME_KINDS))]}"
        content = _CONTENT[int(rng.random() * len(_CONTENT))].format(n=rng.randint(1, 20))

        continuing = rng.random() < 0.45
        stage = "续建" if continuing else "新建"
        duration = rng.randint(10, 42)
        if continuing:
            planned_start = first - rng.randint(3, 30)
            planned_end = max(planned_start + duration, first + 2)
        else:
            # new projects are meant to start in the first half of a year (by June)
            year = years[int(rng.random() * len(years))]
            month = int(rng.random() * 6) if rng.random() < 0.8 else 6 + int(rng.random() * 6)
            planned_start = min(max(year * 12 + month, first), last)
            planned_end = planned_start + duration
        planned_duration = planned_end - planned_start

        # total investment in whole 万元, log-uniform from 500 万元 to 30 亿元, rounded like
        # people round budgets
        total = int(math.exp(rng.uniform(math.log(500), math.log(300_000))))
        total = total // 100 * 100 if total >= 10_000 else total // 10 * 10

        # plan per calendar year: the share of the planned construction months in that year
        plans = []
        for y in years:
            n = max(0, min(planned_end, y * 12 + 12) - max(planned_start, y * 12))
            plans.append(total * n // planned_duration)  # floor: plans never exceed total

        # reality: starts slip, completion slips with them and sometimes more
        slip = 0 if continuing or rng.random() < 0.55 else rng.randint(1, 6)
        start = planned_start + slip
        end = planned_end + slip + (rng.randint(1, 4) if rng.random() < 0.25 else 0)
        actual_duration = end - start
        total_h = total * 100  # hundredths of 万元

        self.row = [
            code,
            name,
            enterprise,
            region,
            category,
            sector,
            industry,
            stage,
            str(total),
            *[str(p) for p in plans],
            responsible,
            month_label(planned_start),
            month_label(planned_end),
            content,
        ]

        # month amounts, year by year, in integer hundredths of 万元
        amounts = [0] * months
        spent = 0  # money actually spent never exceeds the total investment
        for y in years:
            lo = max(start, y * 12, first)
            hi = min(end, y * 12 + 12, last + 1)
            if hi <= lo:
                continue
            pace = 75 + int(rng.random() * 41)  # 75..115 % of the schedule's share
            year_amount = min(total_h * (hi - lo) // actual_duration * pace // 100, total_h - spent)
            spent += year_amount
            weights = [_SEASON[t % 12] * (70 + int(rng.random() * 61)) for t in range(lo, hi)]
            wsum = sum(weights)
            acc = done = 0
            for k, w in enumerate(weights):
                acc += w
                upto = year_amount * acc // wsum  # cumulative floor: parts sum exactly to the whole
                amounts[lo - first + k] = upto - done
                done = upto

        rows = []
        ytd = 0
        for k in range(months):
            t = first + k
            if k == 0 or t % 12 == 0:
                ytd = 0
            amount = amounts[k]
            ytd += amount
            if t < start:
                status = "前期"
                late = t >= planned_start
                x = rng.random()
                if late and x < 0.35:
                    problem = _PROBLEMS_DELAY[int(x * 1000) % len(_PROBLEMS_DELAY)]
                elif x > 0.985:
                    problem = _PROBLEMS_DELAY[int(x * 100000) % len(_PROBLEMS_DELAY)]
                else:
                    problem = ""
            else:
                status = "在建" if t < end else "建成投产"
                x = rng.random()
                if status == "在建" and x > 0.97:
                    problem = _PROBLEMS_OTHER[int(x * 100000) % len(_PROBLEMS_OTHER)]
                else:
                    problem = ""
            rows.append(
                f"{code},{month_label(t)},{fmt_hundredths(amount)},"
                f"{fmt_hundredths(ytd)},{status},{problem}\n"
            )
        self.rows = rows


def generate(
    outdir: Path,
    projects: int,
    months: int,
    start: str,
    seed: int,
    big_rows: int = 1_000_000,
    quiet: bool = False,
) -> dict:
    first = parse_month(start)
    last = first + months - 1
    years = list(range(first // 12, last // 12 + 1))
    labels = [month_label(first + k) for k in range(months)]
    outdir.mkdir(parents=True, exist_ok=True)
    progress_header = ",".join(PROGRESS_HEADER) + "\n"
    t0 = time.perf_counter()

    def log(msg):
        if not quiet:
            print(f"[generate {time.perf_counter() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    passes = [range(a, min(a + MAX_OPEN, months)) for a in range(0, months, MAX_OPEN)]
    for pass_no, month_range in enumerate(passes):
        files = {}
        for k in month_range:
            f = open(
                outdir / f"progress_{labels[k]}.csv",
                "w",
                encoding="utf-8",
                newline="",
                buffering=1 << 17,  # 128 KiB each: memory stays small with many months
            )
            f.write(progress_header)
            files[k] = f
        project_file = None
        if pass_no == 0:
            project_file = open(
                outdir / "projects.csv", "w", encoding="utf-8", newline="", buffering=1 << 20
            )
            writer = csv.writer(project_file, lineterminator="\n")
            writer.writerow(
                PROJECT_HEADER_HEAD
                + [f"{y}年计划投资（万元）" for y in years]
                + PROJECT_HEADER_TAIL
            )
        try:
            for number in range(1, projects + 1):
                p = Project(seed, number, first, months, years)
                if project_file is not None:
                    writer.writerow(p.row)
                rows = p.rows
                for k in month_range:
                    files[k].write(rows[k])
                if number % 20_000 == 0:
                    log(f"pass {pass_no + 1}/{len(passes)}: {number:,} projects")
        finally:
            for f in files.values():
                f.close()
            if project_file is not None:
                project_file.close()

    # one big monthly-report-style file: the month files concatenated in month order
    total_rows = projects * months
    big = min(big_rows, total_rows)
    remaining = big
    with open(
        outdir / "progress_1m.csv", "w", encoding="utf-8", newline="", buffering=1 << 20
    ) as out:
        out.write(progress_header)
        for label in labels:
            if remaining <= 0:
                break
            with open(outdir / f"progress_{label}.csv", encoding="utf-8", newline="") as src:
                src.readline()
                if remaining >= projects:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
                    remaining -= projects
                else:
                    for _ in range(remaining):
                        out.write(src.readline())
                    remaining = 0

    manifest = {
        "generator_version": GENERATOR_VERSION,
        "projects": projects,
        "months": months,
        "start": labels[0],
        "end": labels[-1],
        "seed": seed,
        "years": years,
        "progress_rows": total_rows,
        "big_file": "progress_1m.csv",
        "big_rows": big,
        "month_files": [f"progress_{label}.csv" for label in labels],
        "seconds": round(time.perf_counter() - t0, 2),
    }
    with open(outdir / "manifest.json", "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    log(
        f"done: {projects:,} projects, {total_rows:,} progress rows, {big:,} rows in progress_1m.csv"
    )
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--projects", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--start", default="2016-01", help="first month, YYYY-MM (default 2016-01)")
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument(
        "--big-rows",
        type=int,
        default=1_000_000,
        help="rows in progress_1m.csv (default 1,000,000, or all rows if fewer)",
    )
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.projects < 1 or args.months < 1 or args.big_rows < 0:
        ap.error("--projects and --months must be at least 1, --big-rows not negative")
    try:
        parse_month(args.start)
    except ValueError:
        ap.error(f"--start must be YYYY-MM, got {args.start!r}")
    generate(
        args.outdir,
        args.projects,
        args.months,
        args.start,
        args.seed,
        args.big_rows,
        quiet=args.quiet,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
