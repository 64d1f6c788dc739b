"""sentinel-chaos client adapter for redis-py (docs/client-protocol.md).

Lets the harness measure redis-py's own Sentinel support, the client of the original Sentinel walkthrough:
``Sentinel([...]).master_for(name, socket_timeout=...)`` (``slave_for`` for replica reads). redis-py has no
natMap, so the one thing added is the host-address mapping: ``MappedSentinel`` maps the addresses the
sentinels announce ("redis-1:7001", reachable only inside the topology's network) to the published ports the
host reaches, in ``discover_master``/``discover_slaves`` — the only places redis-py turns a sentinel's answer
into an address. Everything else (pooling, reconnecting, asking the sentinels again after an error) is
redis-py's.

One operation at a time, in order, from stdin; one JSON line per reply on stdout (logs go to stderr).
Outcomes follow the harness: ``failed`` only when the command was never written or the server refused it,
``unknown`` when it was written and no reply came. Retries are off (``Retry(NoBackoff(), 0)``), as for the
harness's ioredis clients: an outage is recorded, not hidden inside one slow call.
"""

import json
import sys

import redis
from redis.backoff import NoBackoff
from redis.connection import Connection
from redis.exceptions import BusyLoadingError, ConnectionError, ResponseError
from redis.retry import Retry
from redis.sentinel import MasterNotFoundError, Sentinel, SentinelManagedConnection, SlaveNotFoundError

PROTOCOL = 1


class Track:
    """What the current operation did on the wire: whether its command was written, and to which peer."""

    sent = False
    peer = None
    # Inside a new connection's handshake (AUTH, HELLO, CLIENT SETINFO): those writes are not the operation.
    handshake = False

    @classmethod
    def reset(cls):
        cls.sent = False
        cls.peer = None


class Tracked:
    """Connection mixin: records the socket a command is written on (its peer is the node's published port)."""

    def on_connect_check_health(self, check_health=True):
        Track.handshake = True
        try:
            return super().on_connect_check_health(check_health)
        finally:
            Track.handshake = False

    def send_packed_command(self, command, check_health=True):
        if not self._sock:
            self.connect()  # An error here (in the connection or its handshake): nothing was written.
        if Track.handshake:
            return super().send_packed_command(command, check_health)
        try:
            host, port = self._sock.getpeername()[:2]
            Track.peer = f"{host}:{port}"
        except OSError:
            Track.peer = None
        Track.sent = True
        return super().send_packed_command(command, check_health)


class TrackedSentinelConnection(Tracked, SentinelManagedConnection):
    pass


class TrackedConnection(Tracked, Connection):
    pass


class MappedSentinel(Sentinel):
    """redis-py's Sentinel with the announced→host address map applied to what the sentinels answer."""

    def __init__(self, sentinels, address_map, **kwargs):
        super().__init__(sentinels, **kwargs)
        self.address_map = address_map

    def map(self, address):
        host, port = address
        target = self.address_map.get(f"{host}:{port}")
        return (target["host"], int(target["port"])) if target else (host, int(port))

    def discover_master(self, service_name):
        return self.map(super().discover_master(service_name))

    def discover_slaves(self, service_name):
        return [self.map(a) for a in super().discover_slaves(service_name)]


def make_client(hello):
    timeout = hello["commandTimeoutMs"] / 1000.0
    auth = hello.get("auth") or {}
    common = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
    }
    if "password" in auth:
        common["password"] = auth["password"]
    if "username" in auth:
        common["username"] = auth["username"]
    direct = hello.get("direct")
    if direct:
        return redis.Redis(host=direct["host"], port=int(direct["port"]), connection_class=TrackedConnection, **common)
    sentinel_kwargs = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    if auth.get("sentinelPassword"):
        sentinel_kwargs["password"] = auth["sentinelPassword"]
    sentinel = MappedSentinel(
        [(s["host"], int(s["port"])) for s in hello["sentinels"]],
        hello.get("addressMap") or {},
        sentinel_kwargs=sentinel_kwargs,
    )
    pick = sentinel.slave_for if hello.get("role") == "replica" else sentinel.master_for
    return pick(hello["masterName"], connection_class=TrackedSentinelConnection, **common)


def perform(client, req):
    op, key = req.get("op"), req.get("key")
    if op == "add":
        client.sadd(key, req["value"])
        value = None
    elif op == "incr":
        value = client.incr(key)
    elif op == "read":
        value = client.scard(key)
    else:
        raise ValueError(f"unknown op {op!r}")
    out = {"outcome": "ok"}
    if value is not None:
        out["value"] = value
    wait = req.get("wait")
    if wait and op != "read":
        try:
            out["replicas"] = client.wait(wait["replicas"], wait["timeoutMs"])
        except Exception:  # noqa: BLE001 - WAIT failing after an ok write only lowers the count
            out["replicas"] = -1
    return out


def classify(err):
    """failed: never written, or the server refused it; unknown: written, and no reply came."""
    if isinstance(err, (MasterNotFoundError, SlaveNotFoundError)):
        return "failed"  # No address from the sentinels: nothing was written.
    if isinstance(err, (ResponseError, BusyLoadingError)):
        return "failed"  # An error reply (READONLY, NOREPLICAS, LOADING...): not applied.
    if isinstance(err, ConnectionError) and str(err) == "The previous master is now a slave":
        return "failed"  # redis-py's rewrite of a READONLY reply (SentinelManagedConnection.read_response).
    # Written and no reply (timeout, reset, closed): it may have been applied.
    return "unknown" if Track.sent else "failed"


def handle(client, req):
    Track.reset()
    try:
        out = perform(client, req)
        if Track.peer:
            out["addr"] = Track.peer
    except Exception as err:  # noqa: BLE001 - every failure is an outcome
        out = {"outcome": classify(err), "error": f"{type(err).__name__}: {err}".strip()}
        # An error reply came on the socket the command was written on; with no reply, the harness records the
        # node the command was written to. Either way it is that socket's peer.
        if Track.sent and Track.peer:
            out["addr"] = Track.peer
    out["id"] = req.get("id")
    return out


def send(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def main():
    line = sys.stdin.readline()
    if not line:
        return 0
    hello = json.loads(line)
    if hello.get("type") != "hello" or hello.get("protocol") != PROTOCOL:
        send({"type": "error", "error": f"expected a protocol {PROTOCOL} hello, got {line.strip()[:200]}"})
        return 1
    try:
        client = make_client(hello)
    except Exception as err:  # noqa: BLE001 - reported to the harness as one line
        send({"type": "error", "error": f"{type(err).__name__}: {err}"})
        return 1
    send({"type": "ready", "client": {"name": "redis-py", "version": redis.__version__}})
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("op") == "close":
            break
        send(handle(client, req))
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
