"""The built-in templates (GB/T 9704 layout, fonts on every style, page numbers, red header), the check
of an uploaded template (not a .docx, macros, bad tags, unknown variables, the sandbox) and filling
one; and, where LibreOffice is installed, a letter converted to PDF."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from docx.oxml.ns import qn

from reports.choices import DocumentKind
from reports.letters import check_template, render_document, spec_for, variables
from reports.letters.builtin import BODY_FONT, HEADING_FONT, TITLE_FONT, build_builtin_template
from reports.letters.pdf import ConversionUnavailable, convert_to_pdf, libreoffice_command
from reports.tests.test_letters_scene import document_text, docx_with

REMINDER = variables.REMINDER_LETTER_VARIABLES
SUPERVISION = variables.SUPERVISION_LETTER_VARIABLES


def _styles_part(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        from lxml import etree

        return etree.fromstring(archive.read("word/styles.xml"))


@pytest.mark.parametrize("kind", [DocumentKind.REMINDER_LETTER, DocumentKind.SUPERVISION_LETTER])
def test_builtin_template_is_a4_with_the_official_margins_and_page_numbers(kind):
    document = Document(io.BytesIO(build_builtin_template(kind)))
    section = document.sections[0]

    # Word stores twentieths of a point: A4 is 11906 × 16838 twips.
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm, 1) for margin in margins] == [37.0, 35.0, 28.0, 26.0]
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert footer._p.xpath(".//w:instrText")[0].text.strip() == "PAGE"


@pytest.mark.parametrize("kind", [DocumentKind.REMINDER_LETTER, DocumentKind.SUPERVISION_LETTER])
def test_every_style_of_the_builtin_template_sets_its_east_asian_font(kind):
    data = build_builtin_template(kind)
    styles = _styles_part(data)
    missing = []
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "numbering":
            continue
        fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is None or not fonts.get(qn("w:eastAsia")):
            missing.append(style.get(qn("w:styleId")))
    assert missing == []
    assert len(styles.findall(qn("w:style"))) > 100  # every style of the template, not a handful
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert defaults.get(qn("w:eastAsia")) == BODY_FONT

    document = Document(io.BytesIO(data))
    by_name = {style.name: style for style in document.styles}

    def east_asian(name):
        return by_name[name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert (east_asian("Normal"), east_asian("公文正文"), east_asian("公文标题")) == (
        BODY_FONT,
        BODY_FONT,
        TITLE_FONT,
    )
    assert (east_asian("Heading 1"), east_asian("Heading 2")) == (HEADING_FONT, "楷体_GB2312")
    body = by_name["公文正文"]
    assert (body.font.size.pt, body.paragraph_format.line_spacing.pt) == (16, 28)
    assert by_name["公文标题"].font.size.pt == 22  # 二号
    # Fallbacks for machines without the official fonts.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        font_table = archive.read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    assert '<w:font w:name="FangSong"><w:altName w:val="Noto Serif CJK SC"/>' in font_table


def test_builtin_templates_pass_their_own_check_and_use_only_documented_variables():
    for kind, documented in (
        (DocumentKind.REMINDER_LETTER, REMINDER),
        (DocumentKind.SUPERVISION_LETTER, SUPERVISION),
    ):
        checked = check_template(build_builtin_template(kind), documented, kind_label="函", name="内置.docx")
        assert {"number", "title", "addressee", "red_header", "issuer_name", "date"} <= set(checked.variables)
    assert (
        "reasons"
        in check_template(build_builtin_template("reminder_letter"), REMINDER, kind_label="函").variables
    )
    assert (
        "matter"
        in check_template(
            build_builtin_template("supervision_letter"), SUPERVISION, kind_label="函"
        ).variables
    )


def test_the_red_header_prints_the_issuer_in_red_above_the_number_only_when_set():
    context = variables.specimen_context(REMINDER) | {
        "issuer_name": "南康区项目办",
        "number": "南康项办提〔2024〕3号",
    }
    data = build_builtin_template(DocumentKind.REMINDER_LETTER)

    with_header = Document(io.BytesIO(render_document(data, context | {"red_header": True})))
    without = Document(io.BytesIO(render_document(data, context | {"red_header": False})))

    first = with_header.paragraphs[0]
    assert (first.text, first.style.name, str(first.style.font.color.rgb)) == (
        "南康区项目办",
        "发文机关标志",
        "FF0000",
    )
    number = with_header.paragraphs[2]
    assert number.text == "南康项办提〔2024〕3号"
    assert number._p.xpath("./w:pPr/w:pBdr/w:bottom/@w:color") == ["FF0000"]
    assert [(p.text, p.style.name) for p in without.paragraphs[:1]] == [("南康项办提〔2024〕3号", "公文署名")]
    assert "南康区项目办" not in [p.text for p in without.paragraphs[:2]]


def test_filling_escapes_values_and_repeats_a_paragraph_per_reason():
    context = variables.specimen_context(REMINDER)
    context["project"]["name"] = "A&B <家具> 项目"
    context["reasons"] = [
        {**context["reasons"][0], "number": 1, "rule": "规则一", "text": "原因一"},
        {**context["reasons"][0], "number": 2, "rule": "规则二", "text": "原因二"},
    ]

    text = document_text(render_document(build_builtin_template("reminder_letter"), context))

    assert "你单位负责的A&B <家具> 项目（项目编码" in text
    assert "1. 规则一：原因一。\n2. 规则二：原因二。" in text
    assert "{%" not in text and "{{" not in text


def _refusal(data, documented=REMINDER, name="提醒函.docx"):
    with pytest.raises(ValidationError) as refused:
        check_template(SimpleUploadedFile(name, data), documented, kind_label="提醒函")
    return refused.value.message_dict["file"]


def test_a_file_that_is_not_a_docx_is_refused_naming_it():
    assert _refusal(b"%PDF-1.7 not a word file", name="提醒函.pdf") == [
        "文件“提醒函.pdf”不是有效的 Word 文档（.docx）。请在 WPS 或 Word 中打开后“另存为”Word 文档（*.docx）"
        "再上传（旧版 .doc、PDF、WPS 格式均不能作为模板）。"
    ]
    # A zip that is not a Word document (an Excel workbook renamed).
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    assert "不是有效的 Word 文档" in _refusal(archive.getvalue(), name="表格.docx")[0]
    assert _refusal(b"", name="空.docx") == ["文件“空.docx”是空文件。"]


def test_a_template_with_macros_is_refused():
    data = io.BytesIO(docx_with("{{ number }}"))
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"macro")
    assert _refusal(data.getvalue(), name="带宏.docx") == [
        "文件“带宏.docx”含有宏，不能作为模板。请另存为不含宏的 Word 文档（*.docx）。"
    ]


def test_unknown_variables_are_refused_naming_each_one():
    data = docx_with(
        "{{ number }} {{ project.nmae }} {{ colour }}",
        "{%p for reason in reasons %}",
        "{{ reason.text }} {{ reason.why }}",
        "{%p endfor %}",
        "{{ addressee.unit.upper() }}",
    )
    assert _refusal(data) == [
        "文件“提醒函.docx”使用了提醒函模板中没有的变量：“addressee.unit.upper”、“colour”、“project.nmae”、“reason.why”。"
        "请改用“可用变量”中列出的变量名。"
    ]


def test_a_supervision_variable_is_unknown_in_a_reminder_template_and_known_in_its_own():
    data = docx_with("{{ matter.title }}：{{ matter.working_days_overdue }}")
    assert "“matter”" in _refusal(data)[0] and "“matter.title”" not in _refusal(data)[0]
    assert check_template(data, SUPERVISION, kind_label="督办函").variables == ("matter",)


def test_the_sandbox_refuses_reaching_past_the_data():
    assert "“number.__class__”" in _refusal(docx_with("{{ number.__class__.__mro__ }}"))[0]
    # Even through a loop variable or a filter, no attribute outside the documented data is allowed.
    assert (
        "“reason.__init__”"
        in _refusal(docx_with("{% for reason in reasons %}{{ reason.__init__ }}{% endfor %}"))[0]
    )


def test_a_tag_that_does_not_parse_is_refused_naming_the_passage():
    message = _refusal(
        docx_with("主送：{{ addressee.unit }}", "{%p for reason in reasons %}", "{{ reason.text }}")
    )[0]
    assert message.startswith("文件“提醒函.docx”的模板标记有误（正文")
    assert message.endswith("请检查 {{ }}、{% %} 是否成对，循环和条件是否有对应的 endfor / endif。")


def test_a_template_whose_trial_fill_fails_is_refused():
    # A documented value used the wrong way: looping over the letter number.
    assert _refusal(docx_with("{% for x in number %}{{ x.y }}{% endfor %}")) == [
        "文件“提醒函.docx”用示例数据试填失败（'str object' has no attribute 'y'）："
        "有变量的用法与其类型不符，请检查变量和循环的写法。"
    ]
    # A list read as if it were one item is an unknown variable.
    assert "“reasons.text”" in _refusal(docx_with("{{ reasons.text }}"))[0]


def test_an_accepted_template_lists_the_variables_it_uses():
    checked = check_template(
        SimpleUploadedFile(
            "自定义.docx", docx_with("本县自定义提醒函 {{ number }}", "{{ addressee.unit }}：")
        ),
        REMINDER,
        kind_label="提醒函",
    )
    assert checked.variables == ("number", "addressee")


def test_every_kind_has_a_spec_with_its_variables_and_subject():
    assert spec_for("reminder_letter").subject_model._meta.label == "projects.Project"
    assert spec_for(DocumentKind.SUPERVISION_LETTER).subject_model._meta.label == "matters.Matter"
    assert spec_for("reminder_letter").variables is REMINDER


@pytest.mark.skipif(
    libreoffice_command() is None, reason="本机未安装 LibreOffice（libreoffice / soffice 不在 PATH 上）"
)
def test_a_filled_letter_converts_to_pdf_with_libreoffice(tmp_path):
    context = variables.specimen_context(SUPERVISION) | {"red_header": True}
    letter = render_document(build_builtin_template("supervision_letter"), context)

    pdf = convert_to_pdf(letter)

    assert pdf.startswith(b"%PDF-")
    (tmp_path / "督办函.pdf").write_bytes(pdf)
    assert len(pdf) > 10_000  # pages with embedded Chinese fonts, not an empty shell


def test_conversion_without_libreoffice_says_so(monkeypatch):
    monkeypatch.setattr("reports.letters.pdf.libreoffice_command", lambda: None)
    with pytest.raises(ConversionUnavailable, match="未安装 LibreOffice"):
        convert_to_pdf(b"PK")


def test_a_zip_that_only_looks_like_a_docx_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as fake:
        fake.writestr("[Content_Types].xml", "<Types/>")
        fake.writestr("word/document.xml", "不是 XML")
    assert _refusal(archive.getvalue(), name="伪装.docx") == [
        "文件“伪装.docx”无法作为 Word 文档读取，请用 WPS 或 Word 另存为 .docx 后再上传。"
    ]
