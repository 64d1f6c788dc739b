#!/usr/bin/env bash
# Build sentinel-chaos/redis:<version>-debian: a FROM scratch image holding Debian's redis-server
# binaries (server, sentinel and cli) and exactly the shared libraries ldd lists for them.
# For machines with no image registry; users with one run the official redis image instead.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "images: installing Debian's redis-server (apt-get) ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
  else
    echo "error: redis-server not installed and cannot apt-get it. Fix: install redis-server or set SC_REDIS_IMAGE to a pullable image." >&2
    exit 1
  fi
fi
version=$(redis-server --version | sed -E 's/.*v=([0-9.]+).*/\1/')
tag="${1:-sentinel-chaos/redis:${version}-debian}"
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
real=$(readlink -f "$(command -v redis-server)")
mkdir -p "$ctx/root/usr/bin" "$ctx/root/data" "$ctx/root/tmp"
cp "$real" "$ctx/root/usr/bin/redis-server"
cp "$(readlink -f "$(command -v redis-cli)")" "$ctx/root/usr/bin/redis-cli"
ln -s redis-server "$ctx/root/usr/bin/redis-sentinel"
for bin in "$real" "$(readlink -f "$(command -v redis-cli)")"; do
  ldd "$bin" | grep -oE '/[^ ]+' | while read -r lib; do
    mkdir -p "$ctx/root$(dirname "$lib")"
    cp -L "$lib" "$ctx/root$lib"
  done
done
cat >"$ctx/Dockerfile" <<'DOCKER'
FROM scratch
COPY root/ /
ENV PATH=/usr/bin
WORKDIR /data
EXPOSE 6379
CMD ["redis-server"]
DOCKER
if ! docker build -q -t "$tag" --label org.opencontainers.image.description="Debian redis-server ${version} binaries, built locally by sentinel-chaos" "$ctx" >"$ctx/build.log" 2>&1; then cat "$ctx/build.log" >&2; exit 1; fi
echo "$tag"
