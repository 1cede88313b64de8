#!/usr/bin/env bash
# Debian packages the tests need: Chromium and its driver (browser tests of the maps) and CJK fonts
# (static maps). Installed with apt-get when missing and we are root; otherwise say what to install.
set -euo pipefail
pkgs=(chromium chromium-driver fonts-noto-cjk)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "安装系统依赖 / installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "缺少系统依赖 / missing system packages: ${missing[*]}" >&2
  echo "请运行 / please run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
