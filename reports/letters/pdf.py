"""Converting a filled .docx to PDF with LibreOffice, when the machine has it (an optional system
package: `apt-get install libreoffice-writer-nogui`); nothing here installs it.

Each conversion runs headless with a private, throw-away profile (a shared one locks up when two run at
once) and with `fonts.conf` beside this module, which maps the official Chinese fonts to what the
machine has (仿宋_GB2312 → 仿宋 → FangSong → Noto Serif CJK SC …), so the PDF shows the serif body
and sans headings a reader expects even on a server without the Windows fonts.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")
TIMEOUT_SECONDS = 120


class ConversionUnavailable(RuntimeError):
    """LibreOffice is not installed on this machine."""


def libreoffice_command():
    """The LibreOffice executable on PATH (`libreoffice` or `soffice`), or None."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def convert_to_pdf(docx, *, timeout=TIMEOUT_SECONDS):
    """The PDF (bytes) of `docx` (bytes). Raises ConversionUnavailable without LibreOffice and
    RuntimeError (with LibreOffice's own output) when the conversion fails."""
    command = libreoffice_command()
    if command is None:
        raise ConversionUnavailable("本机未安装 LibreOffice，无法转换为 PDF。")
    with tempfile.TemporaryDirectory(prefix="tiaodu-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        environment = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(work)}
        result = subprocess.run(
            [
                command,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
            ],
            capture_output=True,
            timeout=timeout,
            env=environment,
            check=False,
        )
        output = work / "document.pdf"
        if result.returncode != 0 or not output.exists():
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
            raise RuntimeError(f"LibreOffice 转换 PDF 失败（返回码 {result.returncode}）：{detail[:500]}")
        return output.read_bytes()
