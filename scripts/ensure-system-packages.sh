#!/usr/bin/env bash
# Debian packages tiaodu needs: CJK fonts and LibreOffice Writer (letters and the 专报 as PDF, charts with
# Chinese labels); for the tests also headless Chromium and poppler (the PDF's pages looked at as PNG), and
# a PostgreSQL that answers (--postgres).
#   --runtime   what `make run` needs: no Chromium/poppler, and a missing package is a warning, not an error
# Installs only what is missing, and only when running as root (CI and the dev machines are root).
set -euo pipefail
# (no `grep -q` after a pipe: it stops reading, the writer gets SIGPIPE and pipefail reports a failure)

mode="${1:-}"
missing=()
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -i "WenQuanYi Micro Hei" >/dev/null || missing+=(fonts-wqy-microhei)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
if [ "$mode" != "--runtime" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "安装缺少的系统软件包: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    rm -f ~/.cache/matplotlib/fontlist-*.json
  elif [ "$mode" = "--runtime" ]; then
    echo "提示：缺少系统软件包 ${missing[*]}，函件和专报的 PDF 与中文图表不可用；以 root 运行 apt-get install -y ${missing[*]} 后可用。" >&2
  else
    echo "缺少系统软件包: ${missing[*]} —— 请以 root 运行: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "$mode" = "--postgres" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if [ "$(id -u)" = "0" ] && [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL 127.0.0.1:5432 无响应" >&2; exit 1; }
  fi
fi
