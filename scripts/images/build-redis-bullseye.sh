#!/usr/bin/env bash
# Build sentinel-chaos/redis:<version>-bullseye: a FROM scratch image holding Redis 6.0 as Debian 11
# (bullseye) ships it: the redis-server binary from bullseye's redis-server/redis-tools packages and
# the bullseye shared libraries (glibc 2.31 and its loader included) that the loader resolves for
# it. For teams comparing the Redis they run with the one they plan to run, on machines with no
# image registry; users with one run the official redis:6.0 image instead.
#
# The packages come from bullseye-security and bullseye (the newer wins), fetched with apt-get into
# the cache and checked against Debian's archive keyring; the host's apt configuration is untouched.
# The dependency walk follows only shared-library packages (lib*, lua-*); the loader then decides
# which of their files enter the image. glibc 2.31 resolves host names through libnss_files and
# libnss_dns, which it loads at run time (no ldd line names them), so those go in too: the harness
# points replicas and sentinels at host names. Likewise Lua's cjson and bit modules (see below).
#
# In Debian the redis-server file is a link to redis-check-rdb (redis-tools); the binary picks its
# mode from the name it is called by, so the image copies it as redis-server and links
# redis-sentinel to it.
#
# Usage: build-redis-bullseye.sh [tag]   (prints the tag, and nothing else, on stdout)
# Env:   SC_CACHE_DIR (download cache; delete its debian-bullseye-redis folder to pick up a newer
#        bullseye-security update).
set -euo pipefail
# shellcheck source=scripts/images/rootfs.sh
. "$(dirname "${BASH_SOURCE[0]}")/rootfs.sh"
require_image_tools "Debian bullseye redis"
{ command -v apt-get >/dev/null 2>&1 && command -v apt-cache >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; } \
  || die "apt-get, apt-cache and dpkg-deb are needed to fetch Debian bullseye's redis packages. Fix: run this on Debian or Ubuntu, or use the official redis:6.0 image."
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "$keyring not found; it verifies Debian's packages. Fix: apt-get install debian-archive-keyring."

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cache="${SC_CACHE_DIR:-$HOME/.cache/sentinel-chaos}/debian-bullseye-redis"
debarch=$(dpkg --print-architecture)

fetch_debs() {
  local apt="$work/apt" queue seen pkg dep aptopts
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
  : >"$apt/status"  # an empty dpkg status: the host's installed packages play no part
  printf 'deb [arch=%s signed-by=%s] http://deb.debian.org/debian-security bullseye-security main\ndeb [arch=%s signed-by=%s] http://deb.debian.org/debian bullseye main\n' \
    "$debarch" "$keyring" "$debarch" "$keyring" >"$apt/sources.list"
  aptopts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
           -o Dir::State::Lists="$apt/lists" -o Dir::State::status="$apt/status" -o Dir::Cache="$apt/cache"
           -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false)
  echo "images: fetching Debian bullseye's redis-server and its libraries with apt-get ..." >&2
  apt-get "${aptopts[@]}" update >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log" >&2; die "apt-get update for Debian bullseye failed (above). Fix: check access to deb.debian.org."; }
  queue=(redis-server redis-tools); seen=" redis-server redis-tools "
  while [ ${#queue[@]} -gt 0 ]; do
    pkg="${queue[0]}"; queue=("${queue[@]:1}")
    for dep in $(apt-cache "${aptopts[@]}" depends --no-recommends --no-suggests --no-conflicts --no-breaks \
                   --no-replaces --no-enhances "$pkg" 2>>"$work/apt.log" | sed -nE 's/^ *(Pre)?Depends: ([a-z0-9][^ <>]*)$/\2/p'); do
      case "$dep" in lib*|lua-*) ;; *) continue ;; esac
      case "$seen" in *" $dep "*) continue ;; esac
      seen="$seen$dep "; queue+=("$dep")
    done
  done
  # shellcheck disable=SC2086  # $seen is a list of package names
  (cd "$apt/dl" && apt-get "${aptopts[@]}" download $seen) >>"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log" >&2; die "apt-get could not download Debian bullseye's redis packages (above). Fix: check access to deb.debian.org."; }
  mkdir -p "$cache.tmp"
  mv "$apt"/dl/*.deb "$cache.tmp/"
  rm -rf "$cache"; mv "$cache.tmp" "$cache"
}
[ -n "$(ls "$cache"/redis-tools_*.deb 2>/dev/null)" ] || fetch_debs

stage="$work/stage"
for deb in "$cache"/*.deb; do dpkg-deb -x "$deb" "$stage"; done
server=$(readlink -f "$stage/usr/bin/redis-check-rdb")
[ -x "$server" ] || die "no redis binary in Debian's redis-tools package. Fix: delete $cache and run again."
cli="$stage/usr/bin/redis-cli"

# Resolve libraries with bullseye's own loader and library directories, never the host's.
interp=$(LC_ALL=C readelf -l "$server" | sed -nE 's/.*Requesting program interpreter: ([^]]+)].*/\1/p')
loader="$stage$interp"
while [ -L "$loader" ]; do  # Debian's links are absolute: follow them inside the stage
  target=$(readlink "$loader")
  case "$target" in /*) loader="$stage$target" ;; *) loader="$(dirname "$loader")/$target" ;; esac
done
{ [ -n "$interp" ] && [ -f "$loader" ]; } || die "bullseye's loader ($interp) is not in the fetched packages. Fix: delete $cache and run again."
libdirs=$(find "$stage" -name '*.so*' -printf '%h\n' | sort -u | tr '\n' ':')
list() { "$loader" --library-path "${libdirs%:}" --list "$1"; }
nss=$(find "$stage" -name 'libnss_files.so.2' -o -name 'libnss_dns.so.2' | sort)
libs="$work/libs"
# shellcheck disable=SC2086  # $nss: paths without spaces
for bin in "$server" "$cli" $nss; do
  if ! list "$bin" >>"$libs" 2>"$work/list.log" || grep -q 'not found' "$libs"; then
    cat "$work/list.log" "$libs" >&2
    die "bullseye's redis needs libraries the fetched packages lack (above). Fix: delete $cache and run again; if it persists, add the package to the walk in $0."
  fi
  echo "$bin" >>"$libs"
done

ctx="$work/ctx"
new_root "$ctx" "$server" "$cli"
# Only files inside the stage: the loader line may name the host's path.
grep -oE "$stage/[^ ]+" "$libs" | grep -v -e "/usr/bin/" | copy_libs "$ctx" "$stage"
# Debian's redis loads Lua's cjson and bit modules with require() when it starts (its scripting
# engine then has them, as upstream's built-in ones), from Lua 5.1's C module directory: no ldd
# line names them either.
find "$stage" -path '*/lua/5.1/*.so' | copy_libs "$ctx" "$stage"
# The loader itself under the name the binaries ask for.
mkdir -p "$ctx/root$(dirname "$interp")"
rm -f "$ctx/root$interp"; cp "$loader" "$ctx/root$interp"
debver=$(dpkg-deb -f "$(find "$cache" -name 'redis-tools_*.deb' | head -n1)" Version)
build_image "$ctx" bullseye "Redis from Debian bullseye's redis-tools ${debver} with bullseye's libraries, built locally by sentinel-chaos" "${1:-}"
