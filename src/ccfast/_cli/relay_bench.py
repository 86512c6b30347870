"""`python -m ccfast relay-bench`: a loopback SRTP relay, measured.

N calls, each with its own SSRC and keys.  A generator process sends each call's RTP packets
(160-byte payloads, AES_CM_128_HMAC_SHA1_80, "leg A") to the relay; the relay unprotects them
and protects them again for "leg B" (AEAD_AES_256_GCM, other keys) and sends them to the
generator's sink, which checks every packet (authenticates it with the leg B keys, and counts
losses and reorderings per call).  Flow is windowed: the generator keeps at most `window`
packets in flight, so the relay runs as fast as it can without the socket buffers overflowing,
and any packet missing at the end was lost by the relay.  127.0.0.1 only.

Relay modes:
  a  asyncio datagram protocol, pylibsrtp per packet (the usual Python way)
  b  the same with ccfast per packet
  c  ccfast batches over ccfast.net (recvmmsg, unprotect/protect of whole batches, sendmmsg),
     one thread
  d  the same with 2 threads, the calls sharded between them (each thread its own sockets,
     sessions and half of the calls, as one relay process per core would be)

Reported per mode: packets relayed, wall rate (packets/s), CPU time of the relay per packet
(time.process_time of the relay process: the generator runs in another process) and the rate
one core gives at that cost, losses and reorderings counted by the sink.
"""
import argparse
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

PAYLOAD = 160
SSRC0 = 0x51000000
MODES = {
    "a": "asyncio + pylibsrtp per packet",
    "b": "asyncio + ccfast per packet",
    "c": "ccfast batches + ccfast.net, 1 thread",
    "d": "ccfast batches + ccfast.net, 2 threads",
}


def call_keys(seed, call):
    """(leg A master key || salt: 30 bytes, leg B: 44 bytes) of a call."""
    a = hashlib.sha256(f"{seed}/A/{call}".encode()).digest()[:30]
    b = hashlib.sha512(f"{seed}/B/{call}".encode()).digest()[:44]
    return a, b


def rtp_packet(ssrc, seq, payload):
    return struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, (seq * 160) & 0xFFFFFFFF, ssrc) + payload


# ---- the generator (its own process) ------------------------------------------------------

def generator(cfg):
    """Send every call's leg A packets to the relay (window-limited), receive leg B at the
    sink, check them; print one JSON line of results."""
    import numpy as np
    from .. import net, srtp
    calls, per_call, window = cfg["calls"], cfg["packets_per_call"], cfg["window"]
    shards = cfg["relay_ports"]
    total = calls * per_call
    payload = bytes(range(PAYLOAD))
    tx = [srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, call_keys(cfg["seed"], c)[0]) for c in range(calls)]
    rx_b = {SSRC0 + c: srtp.Session(srtp.Profile.AEAD_AES_256_GCM, call_keys(cfg["seed"], c)[1], replay_window=4096)
            for c in range(calls)}
    # every packet protected before the clock starts, in sending order (round robin over calls)
    width = 256
    pre = np.zeros((total, width), np.uint8)
    plen = np.zeros(total, np.int32)
    shard_of = np.zeros(total, np.int32)
    i = 0
    for seq in range(per_call):
        for c in range(calls):
            p = tx[c].protect(rtp_packet(SSRC0 + c, seq, payload))
            pre[i, :len(p)] = np.frombuffer(p, np.uint8)
            plen[i] = len(p)
            shard_of[i] = c % len(shards)
            i += 1
    outs = []
    for _ in shards:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 21)
        s.setblocking(False)
        outs.append(s)
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 23)
    sink.setblocking(False)
    print(json.dumps({"sink": sink.getsockname()[1], "sources": [s.getsockname()[1] for s in outs]}), flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    send = [net.Batch(64, width) for _ in shards]
    recv = net.Batch(256, width)
    next_seq = np.zeros(calls, np.int64)
    lost = reordered = bad = received = sent = 0
    t0 = time.monotonic()
    deadline = t0 + cfg["seconds"]
    last_rx = t0
    while received < total and time.monotonic() < deadline:
        # send while the window has room, 64 packets per shard at a time
        room = window - (sent - received)
        while room > 0 and sent < total:
            k = min(room, 64, total - sent)
            for j, s in enumerate(shards):
                idx = np.nonzero(shard_of[sent:sent + k] == j)[0] + sent
                if len(idx):
                    rows = np.asarray(send[j].rows)
                    rows[:len(idx)] = pre[idx]
                    np.asarray(send[j].lengths)[:len(idx)] = plen[idx]
                    net.send_batch(outs[j], send[j], len(idx), address=("127.0.0.1", s))
            sent += k
            room -= k
        n = net.recv_batch(sink, recv, timeout_ms=2)
        if not n:
            if time.monotonic() - last_rx > 1.0 and sent - received > 0:
                break                           # nothing for a second: the rest is lost
            continue
        last_rx = time.monotonic()
        h = recv.head(n)
        rows = np.asarray(h.rows)
        ssrc = rows[:, 8:12].astype(np.uint32)
        ssrc = (ssrc[:, 0] << 24) | (ssrc[:, 1] << 16) | (ssrc[:, 2] << 8) | ssrc[:, 3]
        seq = (rows[:, 2].astype(np.int64) << 8) | rows[:, 3]
        errs = srtp.unprotect_batch_into(rx_b, h.rows, h.lengths)
        bad += sum(e is not None for e in errs)
        calls_ = (ssrc.astype(np.int64) - SSRC0)
        ok = (calls_ >= 0) & (calls_ < calls)
        bad += int((~ok).sum())
        calls_, seq = calls_[ok], seq[ok]
        # per call, in arrival order: each packet must be the next sequence number
        order = np.argsort(calls_, kind="stable")
        cs, qs = calls_[order], seq[order]
        first = np.ones(len(cs), bool)
        first[1:] = cs[1:] != cs[:-1]
        prev = np.where(first, next_seq[cs], np.concatenate(([0], qs[:-1] + 1)))
        lost += int(np.maximum(qs - prev, 0).sum())
        reordered += int((qs < prev).sum())
        last = np.ones(len(cs), bool)
        last[:-1] = cs[1:] != cs[:-1]
        next_seq[cs[last]] = np.maximum(next_seq[cs[last]], qs[last] + 1)
        received += n
    elapsed = time.monotonic() - t0
    missing = int(total - received)
    print(json.dumps({"sent": int(sent), "received": int(received), "lost_gaps": int(lost),
                      "missing": missing, "reordered": int(reordered), "bad": int(bad),
                      "seconds": elapsed}), flush=True)


# ---- relay modes (in this process) --------------------------------------------------------

def _sockets(n):
    out = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 21)
        s.setblocking(False)
        out.append(s)
    return out


def _sessions(seed, calls, lib):
    """Leg A receive and leg B send sessions of every call, by SSRC."""
    from .. import srtp
    rx, tx = {}, {}
    for c in range(calls):
        ka, kb = call_keys(seed, c)
        if lib == "pylibsrtp":
            import pylibsrtp
            rx[SSRC0 + c] = pylibsrtp.Session(pylibsrtp.Policy(
                key=ka, ssrc_type=pylibsrtp.Policy.SSRC_ANY_INBOUND,
                srtp_profile=pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80))
            tx[SSRC0 + c] = pylibsrtp.Session(pylibsrtp.Policy(
                key=kb, ssrc_type=pylibsrtp.Policy.SSRC_ANY_OUTBOUND,
                srtp_profile=pylibsrtp.Policy.SRTP_PROFILE_AEAD_AES_256_GCM))
        else:
            rx[SSRC0 + c] = srtp.Session(srtp.Profile.AES_CM_128_HMAC_SHA1_80, ka)
            tx[SSRC0 + c] = srtp.Session(srtp.Profile.AEAD_AES_256_GCM, kb)
    return rx, tx


def relay_asyncio(sock_a, sock_b, sink, rx, tx, total, seconds):
    """Modes a and b: one datagram_received per packet."""
    import asyncio
    unpack = struct.Struct("!I").unpack_from

    class Leg(asyncio.DatagramProtocol):
        def __init__(self, done):
            self.done = done
            self.count = 0
            self.out = None

        def datagram_received(self, data, addr):
            try:
                ssrc = unpack(data, 8)[0]
                self.out.sendto(tx[ssrc].protect(rx[ssrc].unprotect(data)), sink)
            except Exception:
                pass
            self.count += 1
            if self.count >= total and not self.done.done():
                self.done.set_result(None)

    async def main():
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        out, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=sock_b)
        leg_t, leg = await loop.create_datagram_endpoint(lambda: Leg(done), sock=sock_a)
        leg.out = out
        try:
            await asyncio.wait_for(done, seconds)
        except asyncio.TimeoutError:
            pass
        leg_t.close()
        out.close()
        return leg.count
    return asyncio.run(main())


def relay_batches(sock_a, sock_b, sink, rx, tx, total, seconds, stop, counter, batches, slot, gso=False):
    """Modes c and d (one thread per shard): recv_batch, unprotect rows, protect rows,
    send_batch; until `total` packets or `seconds` or stop is set."""
    from .. import net, srtp
    batch = net.Batch(64, 256)
    relayed = calls = 0
    end = time.monotonic() + seconds
    recv, send = net.recv_batch, net.send_batch
    unprotect, protect = srtp.unprotect_batch_into, srtp.protect_batch_into
    while relayed < total and not stop.is_set():
        k = recv(sock_a, batch, timeout_ms=5)
        if not k:
            if time.monotonic() > end:
                break
            continue
        h = batch.head(k)
        unprotect(rx, h.rows, h.lengths)         # failed rows get length 0 and are not sent
        protect(tx, h.rows, h.lengths)
        send(sock_b, h, k, address=sink, gso=gso)
        relayed += k
        calls += 1
    counter[slot] = relayed
    batches[slot] = calls


def run_mode(mode, calls=100, packets_per_call=500, seconds=5.0, window=2048, seed=1, gso=False):
    """One mode end to end; returns a dict of results.  gso: modes c and d send each batch as
    UDP GSO (every row goes to the one sink here, so whole batches merge)."""
    shards = 2 if mode == "d" else 1
    socks_a = _sockets(shards)
    socks_b = _sockets(shards)
    cfg = {"calls": calls, "packets_per_call": packets_per_call, "window": window, "seed": seed,
           "seconds": seconds + 5, "relay_ports": [s.getsockname()[1] for s in socks_a]}
    gen = subprocess.Popen([sys.executable, "-m", "ccfast._cli.relay_bench", "--generator", json.dumps(cfg)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                           env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    try:
        hello = json.loads(gen.stdout.readline())
        sink = ("127.0.0.1", hello["sink"])
        total = calls * packets_per_call
        lib = "pylibsrtp" if mode == "a" else "ccfast"
        if shards == 1:
            rx, tx = _sessions(seed, calls, lib)
            parts = [(rx, tx)]
        else:
            rx, tx = _sessions(seed, calls, lib)
            parts = [({s: v for s, v in rx.items() if (s - SSRC0) % 2 == j},
                      {s: v for s, v in tx.items() if (s - SSRC0) % 2 == j}) for j in range(2)]
        gen.stdin.write("go\n")
        gen.stdin.flush()
        ru0 = _rusage()
        cpu0, wall0 = time.process_time(), time.monotonic()
        per_batch = 1.0
        if mode in ("a", "b"):
            relayed = relay_asyncio(socks_a[0], socks_b[0], sink, rx, tx, total, seconds)
        else:
            stop = threading.Event()
            counter = [0] * shards
            batches = [0] * shards
            threads = []
            for j in range(shards):
                share = sum(1 for c in range(calls) if c % shards == j) * packets_per_call
                t = threading.Thread(target=relay_batches, args=(socks_a[j], socks_b[j], sink, parts[j][0],
                                                                 parts[j][1], share, seconds, stop, counter, batches, j,
                                                                 gso))
                threads.append(t)
                t.start()
            for t in threads:
                t.join()
            relayed = sum(counter)
            per_batch = relayed / max(1, sum(batches))
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        ru1 = _rusage()
        result = json.loads(gen.stdout.readline())
    finally:
        try:
            gen.stdin.close()
        except OSError:
            pass
        gen.wait(30)
        for s in socks_a + socks_b:
            s.close()
    out = {"mode": mode, "what": MODES[mode] + (", GSO" if gso and mode in "cd" else ""), "calls": calls,
           "relayed": relayed,
           "received": result["received"], "lost": result["missing"] + result["lost_gaps"],
           "reordered": result["reordered"], "bad": result["bad"],
           "wall_s": wall, "cpu_s": cpu, "packets_per_batch": per_batch, "pps": relayed / wall if wall else 0.0,
           "cpu_us_per_packet": cpu / relayed * 1e6 if relayed else float("inf")}
    out["pps_per_core"] = 1e6 / out["cpu_us_per_packet"] if relayed else 0.0
    if ru0 and relayed:
        out["user_us_per_packet"] = (ru1[0] - ru0[0]) / relayed * 1e6
        out["sys_us_per_packet"] = (ru1[1] - ru0[1]) / relayed * 1e6
    return out


def _rusage():
    """(user, system) CPU seconds of this process (all its threads), or None."""
    try:
        import resource
    except ImportError:                                   # Windows
        return None
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime


def run(modes="abcd", calls=100, packets_per_call=500, seconds=5.0, window=2048, as_json=None, rounds=1, gso=False):
    """Run the modes (interleaved, `rounds` times each: the round with the least CPU per packet
    is kept), print the table and the ratios; exit status 1 if a packet was lost, reordered or
    not authentic."""
    try:
        import pylibsrtp  # noqa: F401
    except ImportError:
        if "a" in modes:
            print("mode a skipped: pylibsrtp is not installed (pip install pylibsrtp)")
            modes = modes.replace("a", "")
    best, clean = {}, True
    for _ in range(rounds):
        for m in modes:
            r = run_mode(m, calls, packets_per_call, seconds, window, gso=gso)
            clean = clean and r["lost"] == 0 and r["reordered"] == 0 and r["bad"] == 0
            if m not in best or r["cpu_us_per_packet"] < best[m]["cpu_us_per_packet"]:
                best[m] = r
    results = [best[m] for m in modes]
    print(f"{'mode':4s} {'relay':47s} {'relayed':>8s} {'batch':>5s} {'wall pps':>10s} {'CPU us/pkt':>10s} "
          f"{'(user':>6s} {'sys)':>5s} {'pps/core':>10s} {'lost':>5s} {'reord':>5s} {'bad':>4s}")
    for r in results:
        print(f"{r['mode']:4s} {r['what']:47s} {r['relayed']:8d} {r['packets_per_batch']:5.1f} {r['pps']:10.0f} "
              f"{r['cpu_us_per_packet']:10.2f} {r.get('user_us_per_packet', float('nan')):6.2f} "
              f"{r.get('sys_us_per_packet', float('nan')):5.2f} {r['pps_per_core']:10.0f} {r['lost']:5d} "
              f"{r['reordered']:5d} {r['bad']:4d}", flush=True)
    by = {r["mode"]: r for r in results}
    if "c" in by:
        for peer in ("a", "b"):
            if peer in by:
                print(f"per core, c / {peer}: x{by[peer]['cpu_us_per_packet'] / by['c']['cpu_us_per_packet']:.1f}"
                      f"   (wall rate x{by['c']['pps'] / by[peer]['pps']:.1f})")
        if "d" in by:
            print(f"2 threads / 1 thread, wall rate: x{by['d']['pps'] / by['c']['pps']:.2f}"
                  f"   (CPU per packet x{by['d']['cpu_us_per_packet'] / by['c']['cpu_us_per_packet']:.2f})")
    print(f"(this machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in _loadavg())}; "
          "the generator runs in another process and needs CPU too)")
    if as_json:
        with open(as_json, "w") as f:
            json.dump(results, f, indent=1)
    return 0 if clean else 1


def _loadavg():
    try:
        return os.getloadavg()
    except (AttributeError, OSError):                     # Windows
        return (float("nan"),) * 3


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m ccfast relay-bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--modes", default="abcd", help="which relays (default abcd)")
    p.add_argument("--calls", type=int, default=100)
    p.add_argument("--packets", type=int, default=500, help="packets per call (default 500)")
    p.add_argument("--seconds", type=float, default=5.0, help="time limit per mode")
    p.add_argument("--window", type=int, default=2048, help="packets in flight at most")
    p.add_argument("--rounds", type=int, default=1, help="rounds per mode, interleaved; the best is kept")
    p.add_argument("--gso", action="store_true", help="modes c and d send with UDP GSO (Linux)")
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--generator", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.generator:
        generator(json.loads(a.generator))
        return 0
    return run(a.modes, a.calls, a.packets, a.seconds, a.window, a.json, a.rounds, a.gso)


if __name__ == "__main__":
    sys.exit(main())
