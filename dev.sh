#!/usr/bin/env bash
# dev.sh — set up a Debian machine for fenpei, build it, and run the bundled example or the tests.
#   ./dev.sh run    install what is missing, build, check the bundled allocation table
#   ./dev.sh test   install what is missing, build (plain and ASan+UBSan), run every test
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config libgsl-dev libcsv-dev libxlsxwriter-dev
          libcriterion-dev libzip-dev libexpat1-dev nettle-dev libpoppler-glib-dev
          libmicrohttpd-dev poppler-utils poppler-data curl python3-openpyxl python3-docx
          chromium)
TABLE=allocations/xinjiang-2024-basic-public-health-batch2.csv
JOBS=$(nproc 2>/dev/null || echo 2)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "dev.sh: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
}

build() { # build DIR [cmake options…]
    local dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
    cmake --build "$dir" -j"$JOBS" >/dev/null
}

case "${1:-run}" in
run)
    install_missing
    build build
    echo "\$ build/fenpei check $TABLE" >&2
    build/fenpei check "$TABLE"
    ;;
test)
    install_missing
    build build
    ctest --test-dir build --output-on-failure -j"$JOBS"
    echo "dev.sh: the same tests under AddressSanitizer + UndefinedBehaviorSanitizer" >&2
    build build-asan -DFENPEI_SANITIZE=ON -DFENPEI_BENCH=OFF
    ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j"$JOBS"
    ;;
*)
    echo "usage: ./dev.sh [run|test]" >&2
    exit 2
    ;;
esac
