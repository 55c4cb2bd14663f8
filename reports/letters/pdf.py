"""Converting a filled .docx to PDF with LibreOffice, when the machine has it (an optional system
package: `apt-get install libreoffice-writer-nogui`); nothing here installs it.

Each conversion runs headless with a profile of its own (a shared one locks up when two run at once):
the process keeps one profile for its conversions one at a time — LibreOffice starts a little faster
with a profile it has made before (a one-page letter: 0.83 s against 0.95 s; the 专报 bench's 2.25 s PDF
did not move measurably) — and a conversion that finds it in use, or a profile left by a failed or
cut-short run, gets a new one. It runs with `fonts.conf` beside this module, which maps the official
Chinese fonts to what the machine has (仿宋_GB2312 → 仿宋 → FangSong → Noto Serif CJK SC …), so the
PDF shows the serif body and sans headings a reader expects even on a server without the Windows fonts.
"""

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")
TIMEOUT_SECONDS = 120


class ConversionUnavailable(RuntimeError):
    """LibreOffice is not installed on this machine."""


def libreoffice_command():
    """The LibreOffice executable on PATH (`libreoffice` or `soffice`), or None."""
    return shutil.which("libreoffice") or shutil.which("soffice")


_kept_lock = threading.Lock()
_kept = {}  # "home": this process's kept profile folder, made on first use


@contextmanager
def _profile_home():
    """A folder holding a LibreOffice profile (`profile/`) for one conversion: this process's kept
    one when free, else a throw-away one. Yields (folder, kept)."""
    if _kept_lock.acquire(blocking=False):
        try:
            home = _kept.get("home")
            if home is None or not home.exists():
                home = _kept["home"] = Path(tempfile.mkdtemp(prefix=f"tiaodu-libreoffice-{os.getpid()}-"))
                atexit.register(shutil.rmtree, home, True)
            yield home, True
        finally:
            _kept_lock.release()
        return
    with tempfile.TemporaryDirectory(prefix="tiaodu-libreoffice-") as folder:
        yield Path(folder), False


def convert_to_pdf(docx, *, timeout=TIMEOUT_SECONDS):
    """The PDF (bytes) of `docx` (bytes). Raises ConversionUnavailable without LibreOffice and
    RuntimeError (with LibreOffice's own output) when the conversion fails."""
    command = libreoffice_command()
    if command is None:
        raise ConversionUnavailable("本机未安装 LibreOffice，无法转换为 PDF。")
    with tempfile.TemporaryDirectory(prefix="tiaodu-pdf-") as folder, _profile_home() as (home, kept):
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        environment = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(home)}
        try:
            result = subprocess.run(
                [
                    command,
                    f"-env:UserInstallation={(home / 'profile').as_uri()}",
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
        except subprocess.TimeoutExpired:
            if kept:
                shutil.rmtree(home / "profile", ignore_errors=True)
            raise
        output = work / "document.pdf"
        if result.returncode != 0 or not output.exists():
            if kept:  # a profile a failed run may have left half-written: the next run makes a new one
                shutil.rmtree(home / "profile", ignore_errors=True)
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
            raise RuntimeError(f"LibreOffice 转换 PDF 失败（返回码 {result.returncode}）：{detail[:500]}")
        return output.read_bytes()
