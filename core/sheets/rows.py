"""Which rows below an office's header are data, totals, section headings or notes.

- a blank row, or a repetition of the header (printed sheets repeat it on every page), is passed over;
- a row whose name (or first text cell) is 合计 / 小计 / 总计 / 共计 / 其中…, or that has no name and only
  numbers, is a total;
- a section heading ("一、产业项目（120个）", "（二）续建项目") with nothing but numbers beside it is a
  section (the importer decides what a section means);
- a note ("注：…", "说明：…", "制表人：…") ends the data: nothing below it is read.
"""

import re

from .cells import is_empty, loose

TOTAL_WORDS = ("合计", "小计", "总计", "共计", "其中")
TOP_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.]")
SUB_SECTION = re.compile(r"^\([一二三四五六七八九十]+\)|\(\d+个\)$|\d+个项目\)?$")
NOTE = re.compile(
    r"^(注|说明|备注|填表说明|附注|注释|制表人?|填表人|填报人|审核人?|联系人|联系电话|单位负责人)(\d*[:、.]|$)"
)
NUMBER_LIKE = re.compile(r"^-?[\d,.]+(万元|亿元|万|亿|元|%)?$")
ORDINAL = re.compile(r"^(\()?[一二三四五六七八九十]+(?(1)\)|[、.]?)$")  # 一 / 二、 / （三） in a 序号 column


def kind_of(raw, name_index, header_name):
    """ "blank", "repeat" (the header again), "note", "total", "section" or "project"."""
    name_cell = raw[name_index] if name_index < len(raw) else None
    if isinstance(name_cell, str) and not is_empty(name_cell):
        # The usual case, decided from the name alone.
        label = loose(name_cell)
        if label == header_name:
            return "repeat"
        if NOTE.match(label):
            return "note"
        if label.startswith(TOTAL_WORDS):
            return "total"
        lead = lead_ordinal(raw, name_index)
        if TOP_SECTION.match(label) or _sub_section(label) or lead is not None:
            others = [
                cell for cell in raw if cell is not name_cell and cell is not lead and not is_empty(cell)
            ]
            if all(_number_like(cell) for cell in others):
                return "section"
        return "project"
    filled = [cell for cell in raw if not is_empty(cell)]
    if not filled:
        return "blank"
    if not is_empty(name_cell):  # a name that is a number or a date
        return "project"
    first_text = next((cell for cell in filled if isinstance(cell, str)), None)
    if first_text is None:
        return "total"  # no name and only numbers: an unlabelled total
    label = loose(first_text)
    if NOTE.match(label):
        return "note"
    if label.startswith(TOTAL_WORDS):
        return "total"
    others = [cell for cell in filled if cell is not first_text]
    if (TOP_SECTION.match(label) or _sub_section(label)) and all(_number_like(cell) for cell in others):
        return "section"
    if all(_number_like(cell) for cell in filled):
        return "total"
    return "project"


def lead_ordinal(raw, name_index):
    """The ordinal ("一", "（二）") left of the name that marks a section heading, or None."""
    for cell in raw[:name_index]:
        if not is_empty(cell):
            return cell if isinstance(cell, str) and ORDINAL.match(loose(cell)) else None
    return None


def _sub_section(label):
    # Every SUB_SECTION match starts with "(" or holds "个": most names are passed without the search.
    return (label.startswith("(") or "个" in label) and SUB_SECTION.search(label) is not None


def _number_like(cell):
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return True
    return isinstance(cell, str) and bool(NUMBER_LIKE.match(loose(cell)))
