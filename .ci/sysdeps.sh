#!/usr/bin/env bash
# Debian packages landgov uses: `bash .ci/sysdeps.sh PACKAGE...` (the Makefile names them:
# fonts-noto-cjk for `make demo`; chromium, chromium-driver and fonts-noto-cjk for `make test`).
#
# Root with apt-get: installs what is missing (waiting for another apt to finish).
# Otherwise: names the packages to install and goes on, exit 0: the print maps then use the
# font bundled with landgov and the tests that need a missing package are skipped, each naming
# it. With CI=true a package that is still missing is an error (exit 1), so CI never passes on
# skipped tests.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }

missing_of() {
  local p out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[*]}"
}

if ! command -v dpkg-query >/dev/null; then
  echo "提示 / note: 非 Debian/Ubuntu 系统，未检查系统依赖 / not Debian, not checked: $*" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
read -r -a missing <<<"$(missing_of "$@")"
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "安装系统依赖 / installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt=(apt-get -q -o DPkg::Lock::Timeout=600)
  if "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "${missing[@]}"; then
    exit 0
  fi
  read -r -a missing <<<"$(missing_of "$@")"
  echo "安装失败 / apt-get failed: ${missing[*]}" >&2
else
  echo "缺少系统依赖 / missing system packages: ${missing[*]}" >&2
  echo "请运行 / please run: sudo apt-get install -y ${missing[*]}" >&2
fi
if [ "${CI:-}" = true ]; then
  echo "CI=true：系统依赖必须安装 / system packages are required in CI" >&2
  exit 1
fi
echo "继续：打印图用随包字体，需要这些包的测试将跳过 / going on: print maps use the bundled" \
  "font; tests that need these packages are skipped" >&2
