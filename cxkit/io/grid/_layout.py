"""The sheet layout of the Excel journey grid: sheets, row labels, columns, limits.

One table names every sheet, row and column once; the reader and the writer both
use it, so that what is written is what is read. Labels come from the catalog
(:func:`cxkit.core.i18n.label`, keys ``xlsx_*``) and are accepted in English and
Japanese, and as the YAML key itself, ignoring case, spaces and full-width forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from cxkit.core.i18n import LANGUAGES, label

__all__ = [
    "GRID_ROWS",
    "INFO_ROWS",
    "LIMITS",
    "TABLES",
    "Column",
    "Limits",
    "Table",
    "aliases",
    "decode",
    "encode",
    "normalise",
]

#: How a value sits in a cell: as itself (text, number, true/false), as one list
#: item per line, or as YAML text (mappings and nested lists).
Kind = str  # "scalar" | "lines" | "yaml"


@dataclass(frozen=True)
class Column:
    """One field of a record: its YAML key, how its cell holds it, its label key."""

    key: str
    kind: Kind = "scalar"
    label_key: str = ""

    def label(self, lang: str) -> str:
        """The row label or column header in ``lang``."""
        return label(self.label_key or f"xlsx_{self.key}", lang)


@dataclass(frozen=True)
class Table:
    """A sheet holding one list of the journey file as a table, a record per row."""

    key: str
    columns: tuple[Column, ...]

    def name(self, lang: str) -> str:
        """The sheet name in ``lang``."""
        return label(f"xlsx_sheet_{self.key}", lang)


def _c(key: str, kind: Kind = "scalar", label_key: str = "") -> Column:
    return Column(key, kind, label_key)


#: The rows of the main sheet, top to bottom: one column per step.
GRID_ROWS: tuple[Column, ...] = (
    _c("stage"),
    _c("id", label_key="xlsx_step_id"),
    _c("touchpoint"),
    _c("action"),
    _c("call_reason"),
    _c("expectation"),
    _c("experience"),
    _c("emotion"),
    _c("effort"),
    _c("wait_s"),
    _c("expected_wait_s"),
    _c("context_lost"),
    _c("transfer"),
    _c("repeat_contact"),
    _c("pain_points", "lines"),
    _c("opportunities", "lines"),
    _c("frontstage", "lines"),
    _c("backstage", "lines"),
    _c("support", "lines"),
    _c("evidence"),
    _c("notes"),
)

#: The rows of the "Journey info" sheet (field, value); ``persona_*`` fill ``persona``.
INFO_ROWS: tuple[Column, ...] = (
    _c("id"),
    _c("title"),
    _c("description"),
    _c("language"),
    _c("tags", "lines"),
    _c("persona_name"),
    _c("persona_description"),
    _c("persona_goals", "lines"),
    _c("persona_frustrations", "lines"),
    _c("entry", "yaml"),
    _c("remainder_outcome"),
    _c("parameters", "yaml"),
    _c("economics", "yaml"),
)

#: The list sheets, in workbook order (after the grid and the info sheet).
TABLES: tuple[Table, ...] = (
    Table("stages", (_c("id"), _c("label"), _c("description"))),
    Table(
        "touchpoints",
        (
            _c("id"),
            _c("label"),
            _c("channel"),
            _c("kind"),
            _c("owner"),
            _c("cost_per_contact"),
            _c("handle_time_s"),
            _c("capacity"),
            _c("description"),
        ),
    ),
    Table(
        "handoffs",
        (
            _c("from"),
            _c("to"),
            _c("probability"),
            _c("context_carryover"),
            _c("reexplain_effort"),
            _c("reexplain_time_s"),
            _c("wait_s"),
            _c("transfer"),
            _c("label"),
        ),
    ),
    Table("outcomes", (_c("id"), _c("label"), _c("kind"), _c("value_sign"))),
    Table(
        "call_reasons",
        (
            _c("id"),
            _c("label"),
            _c("share"),
            _c("expected_wait_s"),
            _c("entry", "yaml"),
            _c("expectations", "yaml"),
        ),
    ),
    Table("channels", (_c("id"), _c("name"), _c("parent"), _c("names", "yaml"))),
    Table(
        "initiatives",
        (
            _c("id"),
            _c("label"),
            _c("description"),
            _c("category"),
            _c("cost_one_off"),
            _c("cost_per_period"),
            _c("ramp_up_periods"),
            _c("cash_flow_period"),
            _c("prerequisites", "yaml"),
            _c("excludes", "yaml"),
            _c("benefit_per_period", "yaml"),
            _c("npv", "yaml"),
            _c("add_touchpoints", "yaml"),
            _c("add_handoffs", "yaml"),
            _c("effects", "yaml"),
        ),
    ),
)


@dataclass(frozen=True)
class Limits:
    """Bounds on what the reader accepts, checked before and while reading."""

    file_bytes: int = 20_000_000
    unpacked_bytes: int = 100_000_000
    sheets: int = 20
    rows: int = 5_000
    columns: int = 1_000
    cell_chars: int = 32_767


LIMITS = Limits()

_DROP = re.compile(r"[\s_\-‐-―・･·]+")
_PAREN = re.compile(r"\s*[(（][^)）]*[)）]\s*$")


def normalise(text: str) -> str:
    """A label as compared: NFKC (full-width forms folded), case-folded, without
    spaces, underscores, hyphens or middle dots.

    Examples
    --------
    >>> normalise("Pain  Points"), normalise("ｗａｉｔ＿ｓ"), normalise("ペイン　ポイント")
    ('painpoints', 'waits', 'ペインポイント')
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def aliases(key: str, label_key: str) -> set[str]:
    """Every normalised spelling accepted for a field: the key, and its label in each
    language with and without the trailing unit in brackets.

    Examples
    --------
    >>> sorted(aliases("wait_s", "xlsx_wait_s"))
    ['wait', 'wait(s)', 'waits', '待ち時間', '待ち時間(秒)']
    """
    found = {normalise(key)}
    for lang in LANGUAGES:
        text = label(label_key, lang)
        found.add(normalise(text))
        found.add(normalise(_PAREN.sub("", text)))
    return found


# -- text a cell cannot hold as itself ------------------------------------------------------
#: Characters XML 1.0 cannot hold (and CR, which XML reads as LF): written as OOXML's
#: ``_xHHHH_`` escapes, which Excel and LibreOffice show as the character.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_UNSAFE_ITEM = re.compile("[\x00-\x1f\ufffe\uffff]")
_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_UNESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _hex(match: re.Match[str]) -> str:
    return f"_x{ord(match.group()):04X}_"


def encode(text: str, *, item: bool = False) -> str:
    r"""Text as a cell holds it: characters XML cannot carry as ``_xHHHH_`` (an
    existing ``_xHHHH_`` gets its underscore escaped). A list ``item`` also escapes
    line breaks and surrounding spaces, so that a cell holds one item per line.

    Examples
    --------
    >>> encode("bel\x07"), encode("a\nb"), encode("a\nb", item=True), encode("_x0041_")
    ('bel_x0007_', 'a\nb', 'a_x000A_b', '_x005F_x0041_')
    >>> decode(encode(" x\r\ny ", item=True)) == " x\r\ny "
    True
    """
    text = _ESCAPE.sub(r"_x005F_\1", text)
    if not item:
        return _UNSAFE.sub(_hex, text)
    text = _UNSAFE_ITEM.sub(_hex, text)
    core = text.strip()
    if core == text:
        return text
    start = text.index(core[0]) if core else len(text)
    head, tail = text[:start], text[start + len(core) :]
    return (
        "".join(f"_x{ord(c):04X}_" for c in head) + core + "".join(f"_x{ord(c):04X}_" for c in tail)
    )


def decode(text: str) -> str:
    """The text an :func:`encode`-d cell stands for (``_xHHHH_`` read as the character)."""
    if "_x" not in text:
        return text
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
