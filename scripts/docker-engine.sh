#!/usr/bin/env bash
# Ensure a Docker engine answers. If one is reachable (a laptop, a GitHub runner) it is used as is.
# Otherwise, on Debian as root, install Debian's docker.io and start dockerd in the background.
#   scripts/docker-engine.sh ensure   start one if none answers (prints "started" if this call started it)
#   scripts/docker-engine.sh stop     stop the engine this script started (no-op otherwise)
#   scripts/docker-engine.sh status
set -euo pipefail
STATE_DIR="${SC_STATE_DIR:-/var/run/sentinel-chaos}"
PIDFILE="$STATE_DIR/dockerd.pid"
LOG="$STATE_DIR/dockerd.log"

answers() { timeout 10 docker info >/dev/null 2>&1; }

ensure() {
  if command -v docker >/dev/null 2>&1 && answers; then echo "docker: engine reachable"; return 0; fi
  if ! command -v dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      echo "error: no Docker engine reachable. Fix: start Docker (e.g. 'sudo systemctl start docker') or set DOCKER_HOST." >&2
      exit 1
    fi
    echo "docker: installing Debian's docker.io (apt-get) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq docker.io >/dev/null
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "error: no Docker engine reachable and not root to start dockerd. Fix: start Docker or set DOCKER_HOST." >&2
    exit 1
  fi
  mkdir -p "$STATE_DIR"
  echo "docker: starting dockerd (log: $LOG) ..."
  # Own process group so a later 'stop' (or the shell exiting) does not depend on this shell.
  setsid dockerd --userland-proxy=false >"$LOG" 2>&1 < /dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 120); do
    if answers; then echo "docker: engine up (pid $(cat "$PIDFILE")); stop it with: scripts/docker-engine.sh stop"; echo started >"$STATE_DIR/started-by-us"; return 0; fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then echo "error: dockerd exited; see $LOG" >&2; tail -5 "$LOG" >&2; exit 1; fi
    sleep 0.5
  done
  echo "error: dockerd did not answer within 60 s; see $LOG" >&2
  exit 1
}

stop() {
  [ -f "$PIDFILE" ] || { echo "docker: no engine started by this script"; return 0; }
  pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" || true
    echo "docker: stopped dockerd (pid $pid)"
  fi
  rm -f "$PIDFILE" "$STATE_DIR/started-by-us"
}

case "${1:-ensure}" in
  ensure) ensure ;;
  stop) stop ;;
  status) if answers; then echo "docker: reachable"; else echo "docker: not reachable"; exit 1; fi ;;
  *) echo "usage: $0 ensure|stop|status" >&2; exit 2 ;;
esac
