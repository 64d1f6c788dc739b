#!/usr/bin/env bash
# Check that a locally built Redis image works as the harness uses it, before a scenario runs on it:
# a master, a replica that finds the master by host name (the topology uses names, and older glibc
# resolves them through libraries no ldd line lists), and a sentinel that monitors the master, sees
# the replica and carries out a failover to it. Each check prints one line; the first failure stops
# the run with the container's log. Containers and the network are removed on exit.
#
# Starts containers: run it under the machine's container lock, e.g.
#   flock /tmp/containers.lock scripts/images/smoke-redis-image.sh sentinel-chaos/redis:6.0.16-bullseye
# Usage: smoke-redis-image.sh <image>
set -euo pipefail
image="${1:?usage: smoke-redis-image.sh <image>}"
die() { echo "error: $*" >&2; exit 1; }
docker image inspect "$image" >/dev/null 2>&1 || die "image $image not found. Fix: build it (scripts/images/build-all.sh)."

p="scsmoke-$$"
conf=$(mktemp -d)
cleanup() {
  docker rm -f "$p-m" "$p-r" "$p-s" >/dev/null 2>&1 || true
  docker network rm "$p" >/dev/null 2>&1 || true
  rm -rf "$conf"
}
trap cleanup EXIT
fail() { for c in "$p-m" "$p-r" "$p-s"; do echo "--- $c" >&2; docker logs --tail 15 "$c" >&2 2>&1 || true; done; die "$*"; }
cli() { local c="$1"; shift; docker exec "$c" redis-cli "$@" 2>&1; }
# until <seconds> <command...>: retries the command every 0.2 s until it succeeds or time runs out.
until_ok() { local end=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.2; done; }
ok() { echo "ok: $*"; }

echo "smoke: $(docker run --rm "$image" redis-server --version)"
docker network create "$p" >/dev/null
docker run -d --name "$p-m" --network "$p" "$image" redis-server --port 6379 --protected-mode no --save '' >/dev/null
docker run -d --name "$p-r" --network "$p" "$image" redis-server --port 6379 --protected-mode no --save '' --replicaof "$p-m" 6379 >/dev/null
until_ok 10 sh -c "docker exec $p-m redis-cli ping | grep -qx PONG" || fail "the master does not answer PING"
ok "master answers PING"
[ "$(cli "$p-m" eval 'return cjson.encode({1}) .. bit.band(7, 3)' 0)" = "[1]3" ] || fail "Lua scripts lack cjson or bit"
ok "Lua scripts have cjson and bit"
until_ok 15 sh -c "docker exec $p-r redis-cli info replication | grep -q master_link_status:up" || fail "the replica did not connect to the master by host name"
ok "replica reached the master by host name ($p-m) and synced"
cli "$p-m" set smoke 1 >/dev/null
until_ok 5 sh -c "docker exec $p-r redis-cli get smoke | grep -qx 1" || fail "a write on the master did not reach the replica"
ok "a write on the master reached the replica"

master_ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$p\").IPAddress}}" "$p-m")
replica_ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$p\").IPAddress}}" "$p-r")
# By IP: Sentinel before 6.2 takes no host names in its configuration.
printf 'port 26379\nprotected-mode no\nsentinel monitor mymaster %s 6379 1\nsentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 5000\n' "$master_ip" >"$conf/sentinel.conf"
chmod 777 "$conf"; chmod 666 "$conf/sentinel.conf"
docker run -d --name "$p-s" --network "$p" -v "$conf:/conf" "$image" redis-sentinel /conf/sentinel.conf >/dev/null
until_ok 10 sh -c "docker exec $p-s redis-cli -p 26379 ping | grep -qx PONG" || fail "the sentinel does not answer PING"
ok "sentinel answers PING"
until_ok 15 sh -c "docker exec $p-s redis-cli -p 26379 sentinel slaves mymaster | grep -qx $replica_ip" || fail "the sentinel did not discover the replica"
ok "sentinel discovered the replica ($replica_ip)"
cli "$p-s" -p 26379 sentinel failover mymaster | grep -qx OK || fail "SENTINEL FAILOVER was refused"
until_ok 20 sh -c "docker exec $p-s redis-cli -p 26379 sentinel get-master-addr-by-name mymaster | grep -qx $replica_ip" || fail "the sentinel did not fail over to the replica"
until_ok 10 sh -c "docker exec $p-r redis-cli info replication | grep -q role:master" || fail "the replica did not become master"
ok "SENTINEL FAILOVER promoted the replica ($replica_ip) and the sentinel reports it as master"
