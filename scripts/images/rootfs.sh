# shellcheck shell=bash
# Shared by the image builds of older Redis servers (sourced, not run): they all end the same way,
# a FROM scratch image holding redis-server, a redis-sentinel link to it, redis-cli and exactly the
# shared libraries the loader resolves for them, tagged with the version the server itself reports
# when run inside the image (never a version taken from a package or file name).

die() { echo "error: $*" >&2; exit 1; }

# require_image_tools <what is built> : the tools every such build needs.
require_image_tools() {
  [ "$(uname -s)" = Linux ] || die "$1 images are built from Linux binaries and shared libraries. Fix: run this on Linux, or use an official redis image."
  command -v docker >/dev/null 2>&1 || die "docker not installed. Fix: install a Docker engine (Debian: apt-get install docker.io)."
  command -v ldd >/dev/null 2>&1 || die "ldd not installed; it lists the libraries to copy into the image. Fix: install libc-bin."
}

# new_root <ctx> <redis-server> <redis-cli> : lays out <ctx>/root with the binaries and a sentinel link.
new_root() {
  local ctx="$1"
  mkdir -p "$ctx/root/usr/bin" "$ctx/root/data" "$ctx/root/tmp"
  cp "$2" "$ctx/root/usr/bin/redis-server"
  cp "$3" "$ctx/root/usr/bin/redis-cli"
  chmod 755 "$ctx/root/usr/bin/redis-server" "$ctx/root/usr/bin/redis-cli"
  ln -s redis-server "$ctx/root/usr/bin/redis-sentinel"
}

# copy_libs <ctx> [stage] : copies each absolute library path read from stdin (ldd's output) into
# <ctx>/root at the same path, minus the leading [stage] directory when the libraries were resolved
# inside an unpacked tree rather than on the host.
copy_libs() {
  local ctx="$1" stage="${2:-}" lib dest
  grep -oE '/[^ ]+' | grep -v ':$' | sort -u | while read -r lib; do
    dest="${lib#"$stage"}"
    mkdir -p "$ctx/root$(dirname "$dest")"
    cp -L "$lib" "$ctx/root$dest"
  done
}

# build_image <ctx> <tag suffix> <description> [tag] : builds <ctx>/root into a FROM scratch image,
# reads the server version inside it and tags it sentinel-chaos/redis:<version>-<suffix> (or [tag]).
# Prints the tag on stdout.
build_image() {
  local ctx="$1" suffix="$2" description="$3" tag="${4:-}" id version
  cat >"$ctx/Dockerfile" <<'DOCKER'
FROM scratch
COPY root/ /
ENV PATH=/usr/bin
WORKDIR /data
EXPOSE 6379
CMD ["redis-server"]
DOCKER
  if ! id=$(docker build -q --label org.opencontainers.image.description="$description" "$ctx" 2>"$ctx/build.log"); then
    cat "$ctx/build.log" >&2
    die "docker build failed (above). Fix: check that the Docker engine runs ('docker info')."
  fi
  version=$(docker run --rm "$id" redis-server --version 2>&1 | sed -nE 's/.*v=([0-9][0-9.]*).*/\1/p') || true
  if [ -z "$version" ]; then
    docker run --rm "$id" redis-server --version >&2 || true
    die "the image's redis-server does not run or report its version (above). Fix: a library is missing from the image; delete the build cache and run again."
  fi
  tag="${tag:-sentinel-chaos/redis:${version}-${suffix}}"
  # Again with the tag and the version label: every step comes from the build cache.
  if ! docker build -q -t "$tag" --label org.opencontainers.image.description="$description" \
      --label org.opencontainers.image.version="$version" "$ctx" >/dev/null 2>"$ctx/build.log"; then
    cat "$ctx/build.log" >&2
    die "docker build of $tag failed (above). Fix: check that the Docker engine runs ('docker info')."
  fi
  docker rmi "$id" >/dev/null 2>&1 || true  # the unlabelled first build, now untagged
  echo "$tag"
}
