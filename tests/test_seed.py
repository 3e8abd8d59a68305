"""The illustrative seed list agrees with every figure the 2016 plan publishes.

Reads data/seed_projects.csv with the standard library only (independently of the innovtrack
package and of the generator's own self-check), and checks that scripts/make_seed.py
reproduces the file byte for byte.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CSV_PATH = ROOT / "data" / "seed_projects.csv"
SCRIPT = ROOT / "scripts" / "make_seed.py"

HEADER = [
    "项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "行业", "建设性质",
    "总投资（万元）", "2016年计划投资（万元）", "责任单位", "计划开工时间", "计划投产时间",
    "主要建设内容",
]
TOTAL = "总投资（万元）"
PLAN = "2016年计划投资（万元）"
TACKLING = "创新攻坚项目"
ENTERPRISE = "企业技术创新项目"

# sector: (projects, 2016 plan in 万元, industries)
SECTORS = {
    "传统产业": (45, Decimal("1690000"), {"有色", "化工", "装备制造", "轻工纺织"}),
    "新兴产业": (44, Decimal("985000"), {"新能源", "新材料", "生物医药"}),
    "节能环保": (5, Decimal("65000"), {"环保设备", "固废处置", "资源循环"}),
    "电子信息": (6, Decimal("140000"), {"家用电器", "LED", "电子产品"}),
}
FIELDS = {"新能源", "装备制造", "新材料", "化工", "生物医药", "有色和冶金", "轻工纺织"}
REGIONS = {"西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州", "玉树州", "海西州", "省直"}
# Region → how its responsible unit may begin (provincial departments all begin with 省).
REGION_UNIT_PREFIXES = {
    "西宁市": ("西宁市", "西宁经济技术开发区"),
    "海东市": ("海东市", "海东工业园区"),
    "海西州": ("海西州", "柴达木循环经济试验区"),
    "海北州": ("海北州",), "海南州": ("海南州",), "黄南州": ("黄南州",),
    "果洛州": ("果洛州",), "玉树州": ("玉树州",), "省直": ("省",),
}
# Real companies the invented enterprise names must not name or echo.
REAL_COMPANIES = [
    "盐湖股份", "盐湖工业", "西部矿业", "亚洲硅业", "黄河水电", "黄河上游", "青海锂业", "中信国安",
    "比亚迪", "西宁特殊钢", "西宁特钢", "桥头铝电", "百河铝业", "华鼎", "金瑞矿业", "藏格",
    "蓝科锂业", "庆华", "宜化", "五彩碱业", "东台吉乃尔", "泰丰先行", "时代新能源", "丽豪",
    "圣源地毯", "藏羊", "金诃", "晶珠", "康普", "青海春天", "天佑德", "互助青稞酒", "一机数控",
    "昆仑", "中铝", "五矿", "鲁丰", "国电", "华能", "国家电投",
]
# What the plan says the sectors build: each must appear in some project's name or content.
PLAN_KEYWORDS = [
    "盐湖提锂", "碳酸锂", "硼", "电解铝", "镍", "铜", "黄金", "重型", "新能源装备", "藏毯", "切方",
    "切片", "高效晶硅光伏电池", "聚光光伏电池", "光热发电", "储热材料", "3D打印", "轻金属合金",
    "锂电池", "光电", "虫草", "枸杞", "藏药", "环保设备", "危险废物", "资源循环", "家用电器", "LED",
    "电子产品", "惠普创新服务基地", "中关村科技成果转化基地", "高档数控机床", "加工中心",
    "电子薄膜", "涂层材料", "纺织材料", "铝基", "镁基", "人工晶体", "激光晶体", "生物质改性",
    "创新药", "活性成分", "新型合金",
]

AMOUNT = re.compile(r"^[1-9][0-9]*(\.[0-9])?$")
MONTH = re.compile(r"^(20[0-9]{2})-(0[1-9]|1[0-2])$")


@pytest.fixture(scope="module")
def raw() -> bytes:
    return CSV_PATH.read_bytes()


@pytest.fixture(scope="module")
def rows(raw: bytes) -> list[dict]:
    text = raw.decode("utf-8")
    reader = csv.DictReader(text.splitlines())
    assert reader.fieldnames == HEADER
    return list(reader)


def amount(row: dict, column: str) -> Decimal:
    return Decimal(row[column])


def test_encoding_and_header(raw: bytes):
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert raw.decode("utf-8").splitlines()[0] == ",".join(HEADER)


def test_every_row_is_complete(rows):
    for r in rows:
        assert None not in r, f"{r['项目编号']}: extra cells"
        for column in HEADER:
            if column == "行业" and r["类别"] == ENTERPRISE:
                continue  # enterprise rows may leave the industry empty
            assert r[column] and r[column].strip() == r[column], (r["项目编号"], column)


def test_counts_and_codes(rows):
    assert len(rows) == 200
    by_cat = Counter(r["类别"] for r in rows)
    assert by_cat == {TACKLING: 100, ENTERPRISE: 100}
    codes = [r["项目编号"] for r in rows]
    assert len(set(codes)) == 200
    assert {r["项目编号"] for r in rows if r["类别"] == TACKLING} == {f"CX-{i:03d}" for i in range(1, 101)}
    assert {r["项目编号"] for r in rows if r["类别"] == ENTERPRISE} == {f"QY-{i:03d}" for i in range(1, 101)}
    assert len({r["项目名称"] for r in rows}) == 200, "project names are unique"


def test_182_enterprises(rows):
    per_enterprise = Counter(r["项目单位"] for r in rows)
    assert len(per_enterprise) == 182
    assert sorted(Counter(per_enterprise.values()).items()) == [(1, 164), (2, 18)]
    regions = defaultdict(set)
    for r in rows:
        regions[r["项目单位"]].add(r["所在地区"])
    assert all(len(v) == 1 for v in regions.values()), "an enterprise sits in one region"


def test_enterprise_names_are_invented(rows):
    for name in {r["项目单位"] for r in rows}:
        assert name.endswith("公司"), name
        for real in REAL_COMPANIES:
            assert real not in name, (real, name)


def test_amount_format(rows):
    decimals = 0
    for r in rows:
        for column in (TOTAL, PLAN):
            assert AMOUNT.match(r[column]), (r["项目编号"], column, r[column])
            decimals += "." in r[column]
    assert 1 <= decimals <= 40, "mostly integers, a few with one decimal place"


def test_total_investment_is_1809_yi(rows):
    assert sum(amount(r, TOTAL) for r in rows) == Decimal("18090000")


def test_plan_2016_by_category(rows):
    assert sum(amount(r, PLAN) for r in rows) == Decimal("3270000")
    assert sum(amount(r, PLAN) for r in rows if r["类别"] == TACKLING) == Decimal("2880000")
    assert sum(amount(r, PLAN) for r in rows if r["类别"] == ENTERPRISE) == Decimal("390000")


def test_tackling_sectors(rows):
    tackling = [r for r in rows if r["类别"] == TACKLING]
    assert {r["领域"] for r in tackling} == set(SECTORS)
    for sector, (count, plan, industries) in SECTORS.items():
        members = [r for r in tackling if r["领域"] == sector]
        assert len(members) == count, sector
        assert sum(amount(r, PLAN) for r in members) == plan, sector
        assert {r["行业"] for r in members} == industries, sector


def test_enterprise_fields(rows):
    fields = Counter(r["领域"] for r in rows if r["类别"] == ENTERPRISE)
    assert set(fields) == FIELDS
    assert min(fields.values()) >= 5, fields
    known = set().union(*(industries for _, _, industries in SECTORS.values()))
    assert {r["行业"] for r in rows if r["类别"] == ENTERPRISE} <= known | {""}


def test_plan_within_total_and_positive(rows):
    for r in rows:
        plan, total = amount(r, PLAN), amount(r, TOTAL)
        assert Decimal(0) < plan <= total, r["项目编号"]


def test_regions(rows):
    regions = Counter(r["所在地区"] for r in rows)
    assert set(regions) <= REGIONS
    ranked = [name for name, _ in regions.most_common()]
    assert set(ranked[:2]) == {"西宁市", "海西州"}, regions
    assert ranked[2] == "海东市", regions
    for few in ("海北州", "海南州", "黄南州"):
        assert regions[few] <= 12, regions
    for very_few in ("果洛州", "玉树州"):
        assert regions[very_few] <= 3, regions
    assert 3 <= regions["省直"] <= 12, regions


def test_responsible_units_match_region(rows):
    for r in rows:
        units = r["责任单位"].split("、")
        assert units[0].startswith(REGION_UNIT_PREFIXES[r["所在地区"]]), (r["项目编号"], r["责任单位"])
        assert all(u.startswith("省") for u in units[1:]), (r["项目编号"], r["责任单位"])


def test_stages(rows):
    stages = Counter(r["建设性质"] for r in rows)
    assert set(stages) == {"新建", "续建"}
    assert 0.3 <= stages["新建"] / len(rows) <= 0.5, stages


def test_schedule(rows):
    done_2016 = 0
    new_late = 0
    for r in rows:
        start, end = r["计划开工时间"], r["计划投产时间"]
        assert MONTH.match(start) and MONTH.match(end), r["项目编号"]
        assert start <= end, r["项目编号"]
        assert "2016-06" <= end <= "2019-12", r["项目编号"]
        if r["建设性质"] == "续建":
            assert "2013-01" <= start <= "2015-12", r["项目编号"]
        else:
            assert "2016-02" <= start <= "2016-12", r["项目编号"]
            new_late += start > "2016-06"
        done_2016 += end <= "2016-12"
    assert 0.2 <= done_2016 / len(rows) <= 0.3, done_2016
    new = sum(r["建设性质"] == "新建" for r in rows)
    assert 1 <= new_late <= new // 10, "a few new projects start after June"


def test_content_follows_the_plan(rows):
    text = "\n".join(r["项目名称"] + r["主要建设内容"] for r in rows)
    missing = [k for k in PLAN_KEYWORDS if k not in text]
    assert not missing, missing
    for special in ("惠普创新服务基地", "中关村科技成果转化基地"):
        hits = [r for r in rows if special in r["项目名称"]]
        assert len(hits) == 1 and hits[0]["领域"] == "电子信息", special


def test_generator_reproduces_the_file(tmp_path, raw: bytes):
    out = tmp_path / "seed.csv"
    subprocess.run([sys.executable, str(SCRIPT), "--output", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == raw
