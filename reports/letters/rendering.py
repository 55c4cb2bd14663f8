"""Filling a Word template (docxtpl) from a plain context, and checking a template the office uploads.

The office edits templates in WPS or Word, so an upload is hostile input until checked: it must be a
real .docx (a zip with the Word main part, no macros, of a sane size once inflated), its tags must
parse, every variable it names must be one its kind documents (`reports.letters.variables`), and it
must fill without error from an example context. Each refusal is a ValidationError on "file" with a
Chinese message naming the file and the variable or passage.

Templates are filled in a sandboxed Jinja environment: a template is data the office typed, so it may
read the context's values and nothing else of the server. Values are XML-escaped (a project named
"A&B" must not break the document), and an undefined variable is an error, never an empty gap.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from docx import Document
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import SandboxedEnvironment

from .variables import specimen_context

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A .docx inflates to a few times its size; far more is a zip bomb, refused before any XML is parsed.
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAIN_PART = "word/document.xml"
MACRO_PART_SUFFIX = "vbaproject.bin"
# Names Jinja itself provides inside templates.
JINJA_NAMES = frozenset({"loop", "range", "lipsum", "dict", "cycler", "joiner", "namespace"})
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_environment():
    """The Jinja environment every document template is parsed and filled in."""
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _refuse(message):
    return ValidationError({"file": message})


def read_docx_upload(upload, *, name=None):
    """The bytes of an uploaded .docx after checking its container (size, zip, Word main part, no
    macros, inflated size). `upload`: a Django UploadedFile or bytes."""
    if isinstance(upload, bytes | bytearray):
        data, name = bytes(upload), name or "模板"
    else:
        name = name or PurePath(upload.name or "模板").name
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise _refuse(f"文件“{name}”超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，不能作为模板。")
        upload.seek(0)
        data = upload.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise _refuse(f"文件“{name}”是空文件。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(f"文件“{name}”超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，不能作为模板。")
    not_docx = (
        f"文件“{name}”不是有效的 Word 文档（.docx）。请在 WPS 或 Word 中打开后“另存为”Word 文档（*.docx）"
        "再上传（旧版 .doc、PDF、WPS 格式均不能作为模板）。"
    )
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(not_docx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(not_docx) from None
    member_names = {member.filename.lower() for member in members}
    if MAIN_PART not in member_names or "[content_types].xml" not in member_names:
        raise _refuse(not_docx)
    if any(member.endswith(MACRO_PART_SUFFIX) for member in member_names):
        raise _refuse(f"文件“{name}”含有宏，不能作为模板。请另存为不含宏的 Word 文档（*.docx）。")
    if sum(member.file_size for member in members) > MAX_INFLATED_BYTES:
        raise _refuse(f"文件“{name}”解压后过大，不能作为模板。")
    return data


def _paragraph_lines(xml):
    # docxtpl puts each paragraph on its own line before filling, so a Jinja line number is a paragraph.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _text_of(line):
    return re.sub(r"<[^>]+>", "", line).strip()


@dataclass(frozen=True)
class TemplateParts:
    """The template's parts as Jinja sees them: (part name, source) for the body, headers and footers."""

    sources: tuple

    def parse(self, environment, *, file_name):
        """The parsed parts; a syntax error is refused naming the passage it is in."""
        trees = []
        for part, source in self.sources:
            try:
                trees.append(environment.parse(source))
            except TemplateSyntaxError as error:
                lines = source.splitlines()
                passage = _text_of(lines[error.lineno - 1]) if 0 < (error.lineno or 0) <= len(lines) else ""
                where = f"{part}“{passage[:60]}”处" if passage else part
                raise _refuse(
                    f"文件“{file_name}”的模板标记有误（{where}）：{error.message}。"
                    "请检查 {{ }}、{% %} 是否成对，循环和条件是否有对应的 endfor / endif。"
                ) from None
        return trees


def template_parts(data):
    """The Jinja sources of a .docx template (bytes): its body, headers and footers, cleaned by docxtpl
    exactly as it cleans them before filling."""
    template = DocxTemplate(io.BytesIO(data))
    document = Document(io.BytesIO(data))
    sources = [("正文", _paragraph_lines(template.patch_xml(template.xml_to_string(document._element.body))))]
    for label, uri in (("页眉", DocxTemplate.HEADER_URI), ("页脚", DocxTemplate.FOOTER_URI)):
        for relation in document.part.rels.values():
            if relation.reltype == uri and relation.target_part.blob:
                xml = template.xml_to_string(parse_xml(relation.target_part.blob))
                sources.append((label, _paragraph_lines(template.patch_xml(xml))))
    return TemplateParts(tuple(sources))


# Checking the variables ---------------------------------------------------------------------------


def _path_of(node):
    """("project", "name") for `project.name` / `project["name"]`; None when the chain does not start
    at a plain name or uses a computed key."""
    parts = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(str(node.arg.value))
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return tuple(reversed(parts))
        else:
            return None


def _fields_at(variables, path):
    """The documented variable at `path` (a tuple of names), or None when it is not documented."""
    fields = {variable.name: variable for variable in variables}
    variable = None
    for part in path:
        if variable is not None and variable.many:
            return None  # a list has no fields: its items do, inside a loop
        variable = fields.get(part)
        if variable is None:
            return None
        fields = {field.name: field for field in variable.fields}
    return variable


def _loop_items(trees, variables):
    """{loop variable name: the documented list it runs over} from every `{% for x in <list> %}`.
    A name looping over different things, or over something not documented, is left unchecked."""
    bound = {}
    for tree in trees:
        for loop in tree.find_all(nodes.For):
            if not isinstance(loop.target, nodes.Name):
                continue
            path = _path_of(loop.iter)
            variable = _fields_at(variables, path) if path else None
            name = loop.target.name
            if variable is None or not variable.many or bound.get(name, variable) is not variable:
                bound[name] = None
            else:
                bound[name] = variable
    return bound


def unknown_variables(trees, variables):
    """The names a template uses that its kind does not document, as written (`project.nmae`),
    sorted: top-level names, and fields of documented groups and of loop items over documented lists."""
    documented = {variable.name for variable in variables}
    unknown = set()
    for tree in trees:
        unknown |= find_undeclared_variables(tree) - documented - JINJA_NAMES
    loops = _loop_items(trees, variables)
    for tree in trees:
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            path = _path_of(node)
            if not path or len(path) < 2:
                continue
            head, rest = path[0], path[1:]
            if head in loops and head not in documented:
                item = loops[head]
                if item is None or not item.fields:
                    continue
                if _fields_at(item.fields, rest) is None:
                    unknown.add(".".join(path))
            elif head in documented and _fields_at(variables, path) is None:
                unknown.add(".".join(path))
    # Report `project.nmae` once, not also `project.nmae.x`.
    return sorted(name for name in unknown if not any(name.startswith(f"{other}.") for other in unknown))


@dataclass(frozen=True)
class CheckedTemplate:
    """An accepted template: its bytes and the documented variables it uses (top-level names)."""

    data: bytes
    variables: tuple


def check_template(upload, variables, *, kind_label, name=None):
    """Check an uploaded template (UploadedFile or bytes) against its kind's documented `variables` and
    return the `CheckedTemplate`. Refusals: ValidationError on "file" naming the file and what is wrong
    (not a .docx, macros, too large, a tag that does not parse, an unknown variable, a fill error)."""
    data = read_docx_upload(upload, name=name)
    file_name = name or PurePath(getattr(upload, "name", "") or "模板").name
    environment = document_environment()
    try:
        parts = template_parts(data)
    except Exception:
        # python-docx fails on a malformed package in many ways (KeyError, AttributeError, lxml errors…);
        # each means the same to the office: not a Word document it can use.
        raise _refuse(
            f"文件“{file_name}”无法作为 Word 文档读取，请用 WPS 或 Word 另存为 .docx 后再上传。"
        ) from None
    trees = parts.parse(environment, file_name=file_name)
    unknown = unknown_variables(trees, variables)
    if unknown:
        listed = "、".join(f"“{item}”" for item in unknown)
        raise _refuse(
            f"文件“{file_name}”使用了{kind_label}模板中没有的变量：{listed}。请改用“可用变量”中列出的变量名。"
        )
    try:
        render_document(data, specimen_context(variables))
    except TemplateError as error:
        raise _refuse(
            f"文件“{file_name}”用示例数据试填失败（{error}）：有变量的用法与其类型不符，请检查变量和循环的写法。"
        ) from None
    used = set()
    for tree in trees:
        used |= find_undeclared_variables(tree)
    return CheckedTemplate(data, tuple(variable.name for variable in variables if variable.name in used))


def render_document(data, context):
    """The .docx (bytes) of template `data` (bytes) filled from `context` (a plain dict)."""
    template = DocxTemplate(io.BytesIO(data))
    template.render(context, jinja_env=document_environment(), autoescape=True)
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()
