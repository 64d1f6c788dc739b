#!/usr/bin/env bash
# Build sentinel-chaos/toxiproxy:<version>-local: a FROM scratch image with the toxiproxy server
# built from its Go module (the official image is ghcr.io/shopify/toxiproxy:<version>).
set -euo pipefail
version="${TOXIPROXY_VERSION:-2.12.0}"
tag="${1:-sentinel-chaos/toxiproxy:${version}-local}"
command -v go >/dev/null 2>&1 || { echo "error: go not installed; it is needed to build toxiproxy locally. Fix: install Go >= 1.23 or set SC_TOXIPROXY_IMAGE to a pullable image." >&2; exit 1; }
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
cache="${SC_CACHE_DIR:-$HOME/.cache/sentinel-chaos}/toxiproxy-$version"
if [ ! -x "$cache/server" ]; then
  echo "images: building toxiproxy v$version from its Go module ..." >&2
  mkdir -p "$cache"
  CGO_ENABLED=0 GOBIN="$cache" go install "github.com/Shopify/toxiproxy/v2/cmd/server@v$version"
fi
cp "$cache/server" "$ctx/toxiproxy"
cat >"$ctx/Dockerfile" <<'DOCKER'
FROM scratch
COPY toxiproxy /toxiproxy
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host", "0.0.0.0", "-port", "8474"]
DOCKER
if ! docker build -q -t "$tag" "$ctx" >"$ctx/build.log" 2>&1; then cat "$ctx/build.log" >&2; exit 1; fi
echo "$tag"
