#!/usr/bin/env bash
# Debian packages the tests need (headless Chromium, CJK fonts, Pango, LibreOffice Writer, poppler), and a
# PostgreSQL that answers.
# Installs only what is missing, and only when running as root (CI and the dev machines are root).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || missing+=(fonts-wqy-microhei)
# WeasyPrint (the 专报 as PDF) needs Pango; the document tests open the DOCX in LibreOffice and look at
# the PDF's pages as PNG (pdftoppm).
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "安装缺少的系统软件包: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    rm -f ~/.cache/matplotlib/fontlist-*.json
  else
    echo "缺少系统软件包: ${missing[*]} —— 请以 root 运行: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--postgres" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if [ "$(id -u)" = "0" ] && [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL 127.0.0.1:5432 无响应" >&2; exit 1; }
  fi
fi
