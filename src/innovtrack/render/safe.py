"""Data shown literally (STYLE 18): whatever a file says is escaped for where it goes.

One helper per destination, and every renderer calls it: the terminal (rich markup and control
characters), error messages, Markdown (pipes, HTML, line breaks), CSV (formula prefixes, as
OWASP recommends) and xlsx (formulas never, a cell's length limit named in a notice).
"""

from __future__ import annotations

import re

# C0 and C1 controls (ESC, CSI \x9b, BEL, backspace, CR …) and the bidirectional overrides,
# which reorder what a reader sees. Tab and line feed are kept where a layout can hold them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, *, one_line: bool = False) -> str:
    """Text with every control character written out (\\x1b, \\r, \\u202e): an escape sequence
    in a name reaches the terminal as characters, never as a command. one_line also writes
    out tab and line feed (error messages are one line each)."""
    value = "" if text is None else str(text)
    pattern = _CONTROL_OR_BREAK if one_line else _CONTROL
    return pattern.sub(_escaped, value) if pattern.search(value) else value


def message(text: object) -> str:
    """An error or notice line for stderr: one line, control characters escaped."""
    return visible(text, one_line=True)


def cell(text: object, style: str = ""):
    """A rich Text for a terminal table cell or line: never read as markup ([b], [link=…])
    nor as emoji codes, control characters escaped."""
    from rich.text import Text

    return Text(visible(text), style=style)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>#~])")


def markdown(text: object) -> str:
    """A Markdown table cell or line: control characters escaped, HTML and Markdown syntax
    taken literally (&lt;script&gt;, \\|, \\*), line breaks (\\n, \\r\\n) as spaces."""
    value = re.sub(r"\r\n|[\n\t]", " ", "" if text is None else str(text))
    value = visible(value).replace("&", "&amp;")
    value = _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1),
                                                                       "\\" + m.group(1)), value)
    return value


_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def csv_cell(value):
    """A CSV cell that no spreadsheet runs as a formula: text that begins with =, +, -, @,
    tab or CR gets a leading ' (OWASP's advice); numbers, and text that is a plain number
    such as -12.5, stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


XLSX_CELL_LIMIT = 32_767  # characters an xlsx cell holds


def xlsx_text(value: str) -> tuple[str, bool]:
    """(text as it fits an xlsx cell, whether it was cut)."""
    if len(value) > XLSX_CELL_LIMIT:
        return value[:XLSX_CELL_LIMIT], True
    return value, False
