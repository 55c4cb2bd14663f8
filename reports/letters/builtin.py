"""The built-in templates, built in code with python-docx in the layout of GB/T 9704-2012 《党政机关公文
格式》: A4, margins 上 37 mm / 下 35 mm / 左 28 mm / 右 26 mm, title in 方正小标宋 (黑体 where missing)
二号 centred, body 仿宋_GB2312 三号 (16 pt) at a fixed 28-pt line spacing, first-level headings 黑体,
second-level 楷体, page numbers "— N —" in the footer, and an optional red 发文机关标志 with the red
separator line (when the context's `red_header` is true).

Every style carries its East-Asian font (`w:eastAsia`): WPS and Word otherwise show Chinese text in the
theme's font (python-docx starts from an English template). The font table names a fallback for each
Chinese font (`w:altName`, 仿宋_GB2312 → 仿宋 …) and marks it GB2312 so a machine without it picks a
Chinese font of the same family; LibreOffice falls back through fontconfig to Noto Serif CJK SC.

The templates hold docxtpl tags; the office downloads one, edits it in WPS or Word and uploads it back.
"""

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from ..choices import DocumentKind

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# Each font with the font a machine without it should use, and the family and charset that let Word
# and WPS pick a similar Chinese font when neither is installed. Order of the fallbacks as documented:
# 仿宋_GB2312 → 仿宋 (FangSong) → Noto Serif CJK SC, and so on.
FONT_FALLBACKS = {
    BODY_FONT: ("仿宋", "roman"),
    "仿宋": ("FangSong", "roman"),
    "FangSong": ("Noto Serif CJK SC", "roman"),
    TITLE_FONT: ("黑体", "roman"),
    HEADING_FONT: ("SimHei", "swiss"),
    "SimHei": ("Noto Sans CJK SC", "swiss"),
    SUBHEADING_FONT: ("楷体", "roman"),
    "楷体": ("KaiTi", "roman"),
    "KaiTi": ("Noto Serif CJK SC", "roman"),
    PAGE_NUMBER_FONT: ("SimSun", "roman"),
    "SimSun": ("Noto Serif CJK SC", "roman"),
}
GB2312_CHARSET = "86"
RED = RGBColor(0xFF, 0x00, 0x00)
BLACK = RGBColor(0x00, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
RED_HEADER_SIZE = Pt(30)
LINE_SPACING = Pt(28)
TWO_CHARACTERS = Pt(32)  # first-line indent of two 三号 characters


@dataclass(frozen=True)
class PageLayout:
    """A4 with the GB/T 9704 margins (mm)."""

    width: float = 210
    height: float = 297
    top: float = 37
    bottom: float = 35
    left: float = 28
    right: float = 26
    # The page number sits about 7 mm below the type area: its line ends some 23 mm above the page edge.
    footer_distance: float = 23
    header_distance: float = 15


LAYOUT = PageLayout()


def _set_fonts(element, font):
    """Put `font` on the run properties of a style (or the document defaults): Latin, East-Asian and
    complex script, dropping theme fonts, which would win over the names."""
    run_properties = element.get_or_add_rPr()
    fonts = run_properties.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(document, name, *, font, size, base="Normal", bold=False, color=BLACK):
    styles = document.styles
    style = (
        styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    if base and style.name != base:
        style.base_style = styles[base]
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = color
    _set_fonts(style.element, font)
    return style


def _paragraph_format(style, *, indent=None, align=None, line_spacing=LINE_SPACING, keep_with_next=False):
    fmt = style.paragraph_format
    fmt.first_line_indent = indent
    fmt.alignment = align
    fmt.line_spacing = line_spacing
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.keep_with_next = keep_with_next


def _every_style_east_asian(document):
    """The body font on the document defaults and on every style that has run properties; the styles
    of the letter's own parts set theirs afterwards."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if run_defaults is not None:
        properties = run_defaults.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            run_defaults.append(properties)
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            properties.insert(0, fonts)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), BODY_FONT)
        language = properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            properties.append(language)
        language.set(qn("w:val"), "zh-CN")
        language.set(qn("w:eastAsia"), "zh-CN")
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.LIST:
            continue  # numbering styles carry no run properties
        _set_fonts(style.element, BODY_FONT)
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            # The English template colours headings and titles blue; an official document is black.
            style.font.color.rgb = BLACK


def _chinese_theme_language(document):
    """Theme fonts and language for Chinese (python-docx's template says Japanese, which makes some
    programs pick Japanese glyph forms)."""
    settings = document.settings.element
    language = settings.find(qn("w:themeFontLang"))
    if language is None:
        language = OxmlElement("w:themeFontLang")
        settings.append(language)
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")


def _font_table(document):
    """Declare every font used with its fallback, family and the GB2312 charset."""
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    root = etree.fromstring(part.blob)
    present = {font.get(qn("w:name")) for font in root.findall(qn("w:font"))}
    for name, (alternative, family) in FONT_FALLBACKS.items():
        if name in present:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (
            ("w:altName", alternative),
            ("w:charset", GB2312_CHARSET),
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(LAYOUT.width), Mm(LAYOUT.height)
    section.top_margin, section.bottom_margin = Mm(LAYOUT.top), Mm(LAYOUT.bottom)
    section.left_margin, section.right_margin = Mm(LAYOUT.left), Mm(LAYOUT.right)
    section.footer_distance, section.header_distance = Mm(LAYOUT.footer_distance), Mm(LAYOUT.header_distance)
    return section


def _page_number_footer(section, style):
    """ "— N —" centred in the footer (GB/T 9704: 4 号半角宋体阿拉伯数字, 一字线 on each side)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.style = style
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text.strip() == "PAGE":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            placeholder = OxmlElement("w:t")
            placeholder.text = text
            run._r.append(placeholder)
    paragraph.add_run(" —")


def _red_line(paragraph):
    """The red separator line under the 发文字号 (a bottom border of the paragraph)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attribute, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "8"), ("w:color", "FF0000")):
        bottom.set(qn(attribute), value)
    borders.append(bottom)
    properties.append(borders)


class LetterDocument:
    """A letter being built: the styles of its parts and helpers to add paragraphs."""

    def __init__(self):
        self.document = Document()
        _every_style_east_asian(self.document)
        normal = _style(self.document, "Normal", font=BODY_FONT, size=BODY_SIZE, base=None)
        _paragraph_format(normal)
        self.body = _style(self.document, "公文正文", font=BODY_FONT, size=BODY_SIZE)
        _paragraph_format(self.body, indent=TWO_CHARACTERS, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        self.plain = _style(self.document, "公文无缩进", font=BODY_FONT, size=BODY_SIZE)
        _paragraph_format(self.plain, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        self.title = _style(self.document, "公文标题", font=TITLE_FONT, size=TITLE_SIZE)
        _paragraph_format(self.title, align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=Pt(36))
        self.heading = _style(self.document, "Heading 1", font=HEADING_FONT, size=BODY_SIZE)
        _paragraph_format(self.heading, indent=TWO_CHARACTERS, keep_with_next=True)
        self.subheading = _style(self.document, "Heading 2", font=SUBHEADING_FONT, size=BODY_SIZE)
        _paragraph_format(self.subheading, indent=TWO_CHARACTERS, keep_with_next=True)
        self.right = _style(self.document, "公文署名", font=BODY_FONT, size=BODY_SIZE)
        _paragraph_format(self.right, align=WD_ALIGN_PARAGRAPH.RIGHT)
        self.issuer_mark = _style(
            self.document, "发文机关标志", font=TITLE_FONT, size=RED_HEADER_SIZE, color=RED
        )
        _paragraph_format(self.issuer_mark, align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=None)
        self.number = _style(self.document, "发文字号", font=BODY_FONT, size=BODY_SIZE)
        _paragraph_format(self.number, align=WD_ALIGN_PARAGRAPH.CENTER)
        page_number = _style(self.document, "Footer", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)
        _paragraph_format(page_number, align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=None)
        _font_table(self.document)
        _chinese_theme_language(self.document)
        section = _page(self.document)
        _page_number_footer(section, page_number)
        # python-docx's template starts with one empty paragraph; the letter starts with its own.
        for paragraph in list(self.document.paragraphs):
            paragraph._p.getparent().remove(paragraph._p)

    def add(self, text, style=None):
        return self.document.add_paragraph(text, style=style or self.body)

    def tag(self, tag):
        """A paragraph holding only a docxtpl paragraph tag ({%p … %}), removed when filled."""
        return self.document.add_paragraph(tag, style=self.plain)

    def blank(self):
        return self.document.add_paragraph("", style=self.plain)

    def header(self):
        """The red 发文机关标志 and 发文字号 with the separator line when `red_header`; else the 发文字号
        alone, to the right (a letter's usual place)."""
        self.tag("{%p if red_header %}")
        self.add("{{ issuer_name }}", self.issuer_mark)
        self.blank()
        _red_line(self.add("{{ number }}", self.number))
        self.tag("{%p else %}")
        self.add("{{ number }}", self.right)
        self.tag("{%p endif %}")
        self.blank()
        self.add("{{ title }}", self.title)
        self.blank()
        self.add("{{ addressee.unit }}：", self.plain)

    def closing(self):
        """署名, 成文日期 and 抄送."""
        self.blank()
        self.blank()
        self.add("{{ issuer_name }}", self.right)
        self.add("{{ date }}", self.right)
        self.tag("{%p if copy_to %}")
        self.blank()
        self.add("抄送：{{ copy_to }}。", self.plain)
        self.tag("{%p endif %}")

    def save(self):
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()


def _reminder_letter():
    letter = LetterDocument()
    letter.header()
    letter.add(
        "根据预警规则（第{{ light.ruleset_version }}版），{{ light.period }}（评价日期{{ light.as_of }}），"
        "你单位负责的{{ project.name }}（项目编码{{ project.code }}，"
        "总投资{{ project.total_investment }}万元）亮{{ light.level_label }}。现将有关情况提醒如下。"
    )
    letter.add("一、亮灯原因", letter.heading)
    letter.tag("{%p for reason in reasons %}")
    letter.add("{{ reason.number }}. {{ reason.rule }}：{{ reason.text }}。")
    letter.tag("{%p endfor %}")
    letter.add("二、处理措施", letter.heading)
    letter.add("按照预警规则，{{ consequence_text }}。")
    letter.add("三、有关要求", letter.heading)
    letter.add(
        "请你单位高度重视，"
        "{% if project.liaison_leader %}在挂点领导{{ project.liaison_leader }}的指导下，{% endif %}"
        "认真分析原因，制定整改措施，加快推进项目建设，并于{{ reply_deadline }}前"
        "（{{ reply_working_days }}个工作日内）将整改措施和进展情况书面报送{{ issuer_name }}。"
    )
    letter.closing()
    return letter.save()


def _supervision_letter():
    letter = LetterDocument()
    letter.header()
    letter.add(
        "{{ matter.opened_on }}交办你单位牵头办理的“{{ matter.title }}”（事项编号{{ matter.code }}"
        "{% if matter.project %}，所属项目：{{ matter.project }}{% endif %}，"
        "问题类别：{{ matter.category }}），办结期限为{{ matter.deadline }}。截至{{ date }}，该事项仍未办结，"
        "已逾期{{ matter.working_days_overdue }}个工作日，现由{{ matter.escalation_level }}层级督办。"
    )
    letter.add("一、问题情况", letter.heading)
    letter.add("{% if matter.description %}{{ matter.description }}{% else %}{{ matter.title }}。{% endif %}")
    letter.add("二、解决措施", letter.heading)
    letter.add("{{ matter.solution }}")
    letter.add("三、督办要求", letter.heading)
    letter.add(
        "请你单位{% if addressee.leader %}在责任领导{{ addressee.leader_text }}的督促下，{% endif %}"
        "{% if matter.cooperating_units %}会同{{ matter.cooperating_units }}，{% endif %}"
        "按照上述解决措施抓紧办理，于{{ reply_deadline }}前（{{ reply_working_days }}个工作日内）"
        "将办理结果书面报送{{ issuer_name }}；确需延期的，请按程序申请延期。"
    )
    letter.tag("{%p if addressee.person %}")
    letter.add("责任人：{{ addressee.person }}。")
    letter.tag("{%p endif %}")
    letter.closing()
    return letter.save()


def _special_report():
    # Imported here: the 专报's builder extends LetterDocument above.
    from reports.special.template import build_special_report_template

    return build_special_report_template()


BUILDERS = {
    DocumentKind.REMINDER_LETTER: _reminder_letter,
    DocumentKind.SUPERVISION_LETTER: _supervision_letter,
    DocumentKind.SPECIAL_REPORT: _special_report,
}


def build_builtin_template(kind):
    """The built-in template of `kind` (a DocumentKind) as .docx bytes."""
    return BUILDERS[DocumentKind(kind)]()
