"""Reading a 形象进度 cell written as a sentence ("主体工程完工，设备安装调试中").

Report forms often describe progress in words instead of choosing 前期/在建/建成投产/停缓建.
Such a sentence is read by its keywords only when they point to one status alone; what is
planned rather than done (预计年底投产, 计划6月开工) is left out first. A sentence that points
nowhere, or two ways at once, stays an error for the person to resolve: a guess would move the
开复工 and 投产 counts the report gives the government.
"""

from __future__ import annotations

import re
import unicodedata

# Clauses about intentions, up to the next punctuation: they say nothing of today's status.
_INTENT = re.compile(r"(?:预计|计划|拟|力争|争取|确保|将于|将在|待)[^，,。；;、]*")
_NEGATED = re.compile(r"(?:未|尚未|没有|暂未)(?:开工|复工|投产|建成|开建)")

_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("suspended", ("停建", "缓建", "停工", "暂停施工", "暂停建设", "停产")),
    ("producing", ("建成投产", "竣工投产", "已投产", "投入生产", "投产运行",
                   "竣工验收", "达产")),
    ("building", ("在建", "开工", "复工", "施工", "建设中", "正在建设", "安装", "调试",
                  "主体", "土建", "基础工程", "设备采购", "厂房建设", "封顶", "吊装", "钢结构",
                  "浇筑", "砌筑",
                  # Trials come before production (SPEC §7.7): 一期工程试生产 is 在建; read as
                  # 建成投产 it would raise the 投产率 the report gives the government.
                  "试生产", "试运行", "试运转", "试车", "试投产")),
    ("preparing", ("前期", "未开工", "尚未开工", "立项", "环评", "可研", "手续办理",
                   "规划设计", "招标", "选址", "征地")),
)



def status_from_text(text: str) -> str | None:
    """The status a sentence points to by its keywords, or None when it is not clear."""
    clean = unicodedata.normalize("NFKC", text)
    negated = bool(_NEGATED.search(clean))
    clean = _NEGATED.sub("", _INTENT.sub("", clean))
    found = {status for status, words in _KEYWORDS if any(w in clean for w in words)}
    if negated:
        found.add("preparing")
    if len(found) == 2 and "preparing" in found and not negated:
        # "前期手续已完成，主体施工中": the preparation is behind it; the other status holds.
        found.discard("preparing")
    return found.pop() if len(found) == 1 else None
