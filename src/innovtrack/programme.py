"""The programme definition: categories, sectors, regions, statuses and the published 2016 targets.

Everything here is data from the 2016 implementation plan (SPEC §1) and the vocabulary of §6.
It is loaded into every new ledger; later years' targets are added with `targets set`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

PROGRAMME_NAME = "百项创新攻坚工程"
PROGRAMME_YEAR = 2016


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    short: str


CATEGORIES: tuple[Category, ...] = (
    Category("tackling", "创新攻坚项目", "攻坚"),
    Category("enterprise", "企业技术创新项目", "企业技术创新"),
)
CATEGORY_NAMES = {c.code: c.name for c in CATEGORIES}
CATEGORIES_SHORT = {c.code: c.short for c in CATEGORIES}


@dataclass(frozen=True)
class Sector:
    category: str
    code: str
    name: str
    industries: tuple[str, ...] = ()


SECTORS: tuple[Sector, ...] = (
    Sector("tackling", "traditional", "传统产业", ("有色", "化工", "装备制造", "轻工纺织")),
    Sector("tackling", "emerging", "新兴产业", ("新能源", "新材料", "生物医药")),
    Sector("tackling", "green", "节能环保", ("环保设备", "固废处置", "资源循环")),
    Sector("tackling", "electronics", "电子信息", ("家用电器", "LED", "电子产品")),
    Sector("enterprise", "new_energy", "新能源"),
    Sector("enterprise", "equipment", "装备制造"),
    Sector("enterprise", "new_materials", "新材料"),
    Sector("enterprise", "chemical", "化工"),
    Sector("enterprise", "biomedicine", "生物医药"),
    Sector("enterprise", "metallurgy", "有色和冶金"),
    Sector("enterprise", "light_textile", "轻工纺织"),
)
SECTOR_NAMES = {s.code: s.name for s in SECTORS}
SECTOR_CATEGORY = {s.code: s.category for s in SECTORS}

# Region short names in the order the province lists them; 省直 is province-level units.
REGIONS: tuple[str, ...] = (
    "西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州", "玉树州", "海西州", "省直",
)
REGION_DIVISION_CODES = {
    "630100": "西宁市", "630200": "海东市", "632100": "海东市", "632200": "海北州",
    "632300": "黄南州", "632500": "海南州", "632600": "果洛州", "632700": "玉树州",
    "632800": "海西州",
}
_REGION_LONG = {
    "西宁": "西宁市", "海东": "海东市", "海东地区": "海东市", "海北": "海北州",
    "海北藏族自治州": "海北州", "黄南": "黄南州", "黄南藏族自治州": "黄南州",
    "海南": "海南州", "海南藏族自治州": "海南州", "果洛": "果洛州",
    "果洛藏族自治州": "果洛州", "玉树": "玉树州", "玉树藏族自治州": "玉树州",
    "海西": "海西州", "海西蒙古族藏族自治州": "海西州", "省直属": "省直",
    "省直部门": "省直", "省级": "省直", "省直单位": "省直",
}

STAGES = {"new": "新建", "continuing": "续建"}
_STAGE_ALIASES = {"新建": "new", "续建": "continuing", "new": "new", "continuing": "continuing",
                  "新建项目": "new", "续建项目": "continuing"}

# The procedures (前期手续) of a new project, in the order they are usually done (SPEC §9), and
# the states each can be in.
PROCEDURES = {"approval": "立项", "land": "用地", "planning": "规划", "eia": "环评",
              "design": "设计", "tender": "招标", "permit": "施工许可"}
PROCEDURE_STATES = {"pending": "未办", "in_progress": "办理中", "done": "已办结"}

# Construction status (形象进度), in the order a project moves through them; suspended sits apart.
STATUSES = {"preparing": "前期", "building": "在建", "producing": "建成投产", "suspended": "停缓建"}
STATUS_ORDER = {"preparing": 0, "building": 1, "suspended": 1, "producing": 2}
_STATUS_ALIASES = {
    "前期": "preparing", "前期工作": "preparing", "未开工": "preparing",
    "在建": "building", "开工": "building", "复工": "building", "已开工": "building",
    "已复工": "building", "开复工": "building", "已开复工": "building",
    "建成投产": "producing", "投产": "producing", "已投产": "producing", "建成": "producing",
    "已建成": "producing", "竣工投产": "producing",
    "停缓建": "suspended", "停建": "suspended", "缓建": "suspended", "停工": "suspended",
}


def _key(text: str) -> str:
    """Fold width and case and drop spaces, so 'Tackling ' and 'ｔａｃｋｌｉｎｇ' compare equal."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _table(pairs: dict[str, str]) -> dict[str, str]:
    return {_key(k): v for k, v in pairs.items()}


_CATEGORY_LOOKUP = _table(
    {c.code: c.code for c in CATEGORIES}
    | {c.name: c.code for c in CATEGORIES}
    | {c.short: c.code for c in CATEGORIES}
    | {"创新攻坚": "tackling", "攻坚项目": "tackling", "企业技术创新项目": "enterprise",
       "技术创新": "enterprise", "企业创新": "enterprise"}
)
_SECTOR_LOOKUP: dict[str, dict[str, str]] = {}
for _s in SECTORS:
    table = _SECTOR_LOOKUP.setdefault(_s.category, {})
    for alias in (_s.code, _s.name, _s.name.removesuffix("产业"), _s.name + "产业"):
        table[_key(alias)] = _s.code
_SECTOR_LOOKUP["enterprise"][_key("有色冶金")] = "metallurgy"
_SECTOR_LOOKUP["enterprise"][_key("有色")] = "metallurgy"
_SECTOR_LOOKUP["enterprise"][_key("冶金")] = "metallurgy"
_SECTOR_LOOKUP["tackling"][_key("节能环保产业")] = "green"
_SECTOR_LOOKUP["tackling"][_key("电子信息产业")] = "electronics"

_REGION_LOOKUP = _table(
    {r: r for r in REGIONS} | _REGION_LONG | REGION_DIVISION_CODES
)
_STAGE_LOOKUP = _table(_STAGE_ALIASES)
_STATUS_LOOKUP = _table(_STATUS_ALIASES | {code: code for code in STATUSES})


class UnknownValue(ValueError):
    """A category, sector, region, stage or status that the programme does not know."""

    def __init__(self, kind: str, value: str, choices: list[str], hint: str | None = None):
        self.kind, self.value = kind, value
        if hint is None:
            nearest = difflib.get_close_matches(value, choices, n=1, cutoff=0.0)
            hint = f"did you mean {nearest[0]}?" if nearest else None
        super().__init__(f"unknown {kind} {value!r}" + (f"; {hint}" if hint else ""))


def _lookup(kind: str, table: dict[str, str], value: str, choices: list[str]) -> str:
    found = table.get(_key(value))
    if found is None:
        raise UnknownValue(kind, value, choices)
    return found


# The lookups are memoised: a 100,000-row list names the same few values over and over. An
# unknown value raises, and lru_cache keeps no exceptions, so only known names are kept.
@lru_cache(maxsize=1024)
def category_code(value: str) -> str:
    return _lookup("category", _CATEGORY_LOOKUP, value, [c.name for c in CATEGORIES]
                   + [c.code for c in CATEGORIES])


@lru_cache(maxsize=1024)
def sector_code(value: str, category: str | None) -> str:
    """A sector within its category; without a category, any sector of the programme."""
    if category is not None:
        table = _SECTOR_LOOKUP[category]
        choices = [s.name for s in SECTORS if s.category == category]
        found = table.get(_key(value))
        if found is None:
            # 新能源 for a tackling project is an industry of 新兴产业: say so, do not guess.
            owner = next((s for s in SECTORS if s.category == category
                          and _key(value) in map(_key, s.industries)), None)
            hint = (f"{value} is an industry of {owner.name}; write {owner.name} here and "
                    f"{value} under 行业" if owner else None)
            raise UnknownValue("sector", value, choices + [s.code for s in SECTORS
                                                           if s.category == category], hint)
        return found
    merged: dict[str, str] = {}
    for t in _SECTOR_LOOKUP.values():
        merged.update(t)
    return _lookup("sector", merged, value, [s.name for s in SECTORS])


_SECTION_NAMES = frozenset(
    set(_CATEGORY_LOOKUP) | {k for t in _SECTOR_LOOKUP.values() for k in t}
    | {_key(i) for s in SECTORS for i in s.industries}
    | {k for k in _REGION_LOOKUP if not k.isdigit()} | {_key("青海省"), _key("全省")}
)


def is_section_name(value: str) -> bool:
    """Whether a cell's text names a group the way a sheet's section headings do: a category,
    sector, industry or region (创新攻坚项目, 传统产业, 有色, 西宁市), exactly, not a project."""
    key = _key(value)
    return key in _SECTION_NAMES or key.removesuffix("项目") in _SECTION_NAMES \
        or key.removesuffix("类") in _SECTION_NAMES


# Names that may open a longer place name ("海西州格尔木市"): the full names only. A bare stem
# such as 海西 is not one, or the typo 海西洲 would silently read as 海西州.
_REGION_PREFIXES = sorted((k for k in _REGION_LOOKUP
                           if not k.isdigit() and (len(k) >= 3 or k in map(_key, REGIONS))),
                          key=len, reverse=True)


def region_of_division(code: str) -> str | None:
    """The region of a 6-digit division code: a prefecture's (632800) or a county's (632801,
    格尔木市, is in 海西州); None for the province itself (630000) and codes outside it."""
    if len(code) != 6 or not code.isdigit():
        return None
    return REGION_DIVISION_CODES.get(code) or (
        REGION_DIVISION_CODES.get(code[:4] + "00") if code[4:] != "00" else None)


@lru_cache(maxsize=1024)
def region_name(value: str) -> str:
    key = _key(value)
    if key.startswith(("青海省", "青海")) and len(key) > 3:
        key = key.removeprefix("青海省").removeprefix("青海")  # 青海省西宁市: the province named
    found = _REGION_LOOKUP.get(key) or region_of_division(key)
    if found is None:
        # "海西州格尔木市" and similar: a region's full name followed by a county.
        for name in _REGION_PREFIXES:
            if key.startswith(name):
                found = _REGION_LOOKUP[name]
                break
    if found is None:
        # A county, county-level city or industrial park, as project tables often give it.
        for place, region in _COUNTY_REGION:
            if key.startswith(place):
                found = region
                break
    if found is None:
        raise UnknownValue("region", value, list(REGIONS))
    return found


# Counties, county-level cities, districts and industrial parks of each region; a project's
# 所在地区 written as one of these is read as its region (longest names are tried first).
_COUNTIES = {
    "西宁市": ("城东区", "城中区", "城西区", "城北区", "湟中", "湟源", "大通", "西宁经济技术开发区",
              "西宁经开区", "东川工业园", "甘河工业园", "南川工业园", "生物科技产业园",
              "青海生物科技产业园"),
    "海东市": ("乐都", "平安", "民和", "互助", "化隆", "循化", "海东工业园", "曹家堡"),
    "海北州": ("门源", "祁连", "海晏", "刚察", "西海镇"),
    "黄南州": ("同仁", "尖扎", "泽库", "河南蒙古族自治县", "河南县"),
    "海南州": ("共和", "同德", "贵德", "兴海", "贵南", "恰卜恰"),
    "果洛州": ("玛沁", "班玛", "甘德", "达日", "久治", "玛多"),
    "玉树州": ("玉树市", "杂多", "称多", "治多", "囊谦", "曲麻莱"),
    "海西州": ("格尔木", "德令哈", "茫崖", "大柴旦", "冷湖", "乌兰", "都兰", "天峻",
              "柴达木循环经济试验区", "柴达木", "察尔汗"),
}
_COUNTY_REGION = sorted(((_key(place), region) for region, places in _COUNTIES.items()
                         for place in places), key=lambda pair: -len(pair[0]))


@lru_cache(maxsize=1024)
def stage_code(value: str) -> str:
    return _lookup("stage", _STAGE_LOOKUP, value, list(STAGES.values()))


@lru_cache(maxsize=1024)
def status_code(value: str) -> str:
    return _lookup("status", _STATUS_LOOKUP, value, list(STATUSES.values()))


# Published targets (SPEC §1), in 元. Scope: (category, sector); None means "all".
WAN = 10_000
YI = 100_000_000


@dataclass(frozen=True)
class PublishedTarget:
    year: int
    category: str | None
    sector: str | None
    amount: int  # 元
    projects: int | None
    source: str


_SOURCE = "青海省百项创新攻坚工程2016年实施方案"
PUBLISHED_TARGETS: tuple[PublishedTarget, ...] = (
    PublishedTarget(2016, None, None, 327 * YI, 200, _SOURCE),
    PublishedTarget(2016, "tackling", None, 288 * YI, 100, _SOURCE),
    PublishedTarget(2016, "enterprise", None, 39 * YI, 100, _SOURCE),
    PublishedTarget(2016, "tackling", "traditional", 169 * YI, 45, _SOURCE),
    PublishedTarget(2016, "tackling", "emerging", 985 * YI // 10, 44, _SOURCE),
    PublishedTarget(2016, "tackling", "green", 65 * YI // 10, 5, _SOURCE),
    PublishedTarget(2016, "tackling", "electronics", 14 * YI, 6, _SOURCE),
)
# Programme-wide facts that are not investment targets, checked by `innovtrack check`.
PUBLISHED_ENTERPRISES = 182
PUBLISHED_TOTAL_INVESTMENT = 1809 * YI


def scope_label(category: str | None, sector: str | None) -> str:
    if category is None:
        return "合计"
    if sector is None:
        return CATEGORY_NAMES[category]
    return f"{CATEGORY_NAMES[category]}·{SECTOR_NAMES[sector]}"


def region_in_text(text: str) -> str | None:
    """The region a unit's name places it in (海东市发展和改革委员会 → 海东市); None for a
    province-level unit or a name that gives no region."""
    key = _key(text or "")
    key = key.removeprefix("青海省").removeprefix("青海")
    for name in _REGION_PREFIXES:
        if key.startswith(name):
            found = _REGION_LOOKUP[name]
            return None if found == "省直" else found
    return None
