#!/usr/bin/env bash
# tests/install/run.sh BUILD_DIR SOURCE_DIR — install libfenpei into a scratch prefix as a
# Debian user would, build a downstream program through pkg-config and through find_package,
# run both on the bundled table, check what libfenpei.so exports, and build the .deb.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
table="$src/allocations/xinjiang-2024-basic-public-health-batch2.csv"
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -1)
for f in bin/fenpei include/fenpei/fenpei.h include/fenpei/version.h share/man/man1/fenpei.1 \
         share/man/man3/fenpei.3 share/man/zh_CN/man1/fenpei.1 share/fenpei/allocations/xinjiang-2024-basic-public-health-batch2.csv; do
    [ -e "$tmp/prefix/$f" ] || fail "not installed: $f"
done
ls "$libdir"libfenpei.so.* >/dev/null || fail "no libfenpei.so.N"
[ -e "$libdir/libfenpei.a" ] || fail "no libfenpei.a"
[ -e "$libdir/pkgconfig/fenpei.pc" ] || fail "no fenpei.pc"
[ -e "$libdir/cmake/fenpei/fenpeiConfig.cmake" ] || fail "no CMake package"

# Only the public API leaves the shared library.
so=$(ls "$libdir"libfenpei.so.*.*.* | head -1)
others=$(nm -D --defined-only "$so" | awk '{sub(/@.*/, "", $3); print $3}' | grep -v '^fp_' | grep -v '^FENPEI_' || true)
[ -z "$others" ] || fail "libfenpei.so exports symbols without the fp_ prefix: $others"
nexp=$(nm -D --defined-only "$so" | awk '$3 ~ /^fp_/' | wc -l)
# … and each of them is declared in a public header.
for s in $(nm -D --defined-only "$so" | awk '$3 ~ /^fp_/ {sub(/@.*/, "", $3); print $3}'); do
    grep -rqw "$s" "$tmp/prefix/include/fenpei" || fail "exported but in no public header: $s"
done

# The installed program runs from the prefix.
"$tmp/prefix/bin/fenpei" --version | grep -qx "fenpei [0-9.]*" || fail "installed fenpei --version"

# Downstream through pkg-config.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -o "$tmp/down-pc" "$src/tests/install/downstream.c" $(pkg-config --cflags --libs fenpei) \
    -Wl,-rpath,"$libdir"
out=$("$tmp/down-pc" "$table") || fail "downstream (pkg-config) exit $?"
case "$out" in *"119 rows, 0 errors") ;; *) fail "downstream (pkg-config) said: $out" ;; esac

# Downstream through find_package.
cmake -S "$src/tests/install" -B "$tmp/down-cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
    -DCMAKE_BUILD_RPATH="$libdir" >/dev/null
cmake --build "$tmp/down-cmake" >/dev/null
out=$("$tmp/down-cmake/downstream" "$table") || fail "downstream (find_package) exit $?"
case "$out" in *"119 rows, 0 errors") ;; *) fail "downstream (find_package) said: $out" ;; esac

# The .deb.
(cd "$build" && cpack -G DEB -B "$tmp/deb" >/dev/null) || fail "cpack -G DEB"
deb=$(ls "$tmp"/deb/*.deb | head -1)
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/fenpei ./usr/include/fenpei/fenpei.h ./usr/share/man/man1/fenpei.1; do
    grep -q " $f\$" <<<"$contents" || fail ".deb lacks $f"
done
grep -q 'libfenpei.so.[0-9]' <<<"$contents" || fail ".deb lacks libfenpei.so.N"
echo "install: $nexp fp_ symbols exported, pkg-config and find_package builds ran, $(basename "$deb") built"
