"""python -m ccfast demo: a simulated call end to end.

A sender makes 20 ms G.711 RTP packets (160 bytes of payload), protects them with SRTP
(ccfast.srtp, AES_CM_128_HMAC_SHA1_80) when that module is available, the deterministic
network model (ccfast._netsim: Weibull jitter, Gilbert-Elliott bursty loss, delay spikes,
reordering, duplicates, a new call leg) delivers them, the receiver unprotects them and
plays them out through ccfast.jitter.JitterBuffer.  Prints what was played, lost and late,
the delay, and what each step cost per packet."""
import os
import textwrap
import time

from .._netsim import Scenario, rtp_packet, simulate


class _NoSRTPError(Exception):
    """Stands for ReplayError when the call runs unprotected (never raised)."""


def _srtp_sessions(seed):
    try:
        from .. import srtp
    except ImportError:
        return None, None, _NoSRTPError, "SRTP: ccfast.srtp is not available in this build; the call runs unprotected"
    key = bytes((seed * 131 + i * 17) & 0xFF for i in range(30))   # master key || master salt
    prof = srtp.Profile.AES_CM_128_HMAC_SHA1_80
    return (srtp.Session(prof, key), srtp.Session(prof, key), srtp.ReplayError,
            "SRTP: AES_CM_128_HMAC_SHA1_80 (ccfast.srtp)")


def say(text):
    """One report line, wrapped at 100 columns (continuation lines indented)."""
    print("\n".join(textwrap.wrap(text, 100, subsequent_indent="    ")), flush=True)


def run(seconds: float = 10.0, seed: int = 1) -> int:
    from ..jitter import FrameKind, JitterBuffer, PutResult

    sc = Scenario("demo", seconds=seconds, seed=seed, dist="weibull", scale_ms=12, shape=1.5,
                  p_gb=0.01, p_bg=0.3, loss_bad=0.7, spike_rate=0.05, spike_ms=(80, 250),
                  reorder=0.005, duplicate=0.002,
                  discontinuities=((seconds * 0.6, True),) if seconds >= 5 else ())
    sent, delivered = simulate(sc)
    tx, rx, replay_error, srtp_note = _srtp_sessions(seed)
    say(f"simulated call: {seconds:g} s, seed {seed}: {len(sent)} packets of 160-byte G.711, "
          f"20 ms; network: Weibull jitter (12 ms), bursty loss, delay spikes, reordering, duplicates"
          + (", a new call leg (SSRC change)" if sc.discontinuities else ""))
    say(srtp_note)

    # sender: RTP + SRTP protect
    wire = {}
    t0 = time.perf_counter()
    for p in sent:
        payload = bytes([(p.index * 7 + k) & 0xFF for k in (0, 1, 2, 3)]) + b"\xd5" * 156
        pkt = rtp_packet(p, payload)
        wire[p.index] = tx.protect(pkt) if tx else pkt
    t_protect = time.perf_counter() - t0

    # receiver: SRTP unprotect, jitter buffer
    jb = JitterBuffer(8000, 20)
    kinds = {FrameKind.AUDIO: 0, FrameKind.LOST: 0, FrameKind.SILENCE: 0}
    results = {r: 0 for r in PutResult}
    delays, replays = [], 0
    t_unprotect = t_jitter = 0.0
    clock = time.perf_counter
    for p in delivered:
        while True:
            c0 = clock()
            d = jb.next_due_ms
            frames = jb.get_until(d) if d is not None and d <= p.arrival_ms else None
            t_jitter += clock() - c0
            if not frames:
                break
            for f in frames:
                kinds[f.kind] += 1
                if f.kind == FrameKind.AUDIO:
                    delays.append(f.due_ms - f.arrival_ms)
        data = wire[p.index]
        if rx:
            c1 = clock()
            try:
                data = rx.unprotect(data)
            except replay_error:       # a duplicate the network delivered: SRTP refuses the replay
                replays += 1
                t_unprotect += clock() - c1
                continue
            t_unprotect += clock() - c1
        c2 = clock()
        r = jb.put_rtp(data, p.arrival_ms)
        t_jitter += clock() - c2
        results[r] += 1
    for f in jb.get_until((delivered[-1].arrival_ms if delivered else 0) + 2000):
        kinds[f.kind] += 1
        if f.kind == FrameKind.AUDIO:
            delays.append(f.due_ms - f.arrival_ms)
    st = jb.stats
    n = max(len(delivered), 1)
    unique = len(set(p.index for p in delivered))
    dups = len(delivered) - unique
    say(f"network: {len(sent) - unique} of {len(sent)} packets lost, {len(delivered)} delivered"
          + (" (1 of them a duplicate)" if dups == 1 else f" ({dups} of them duplicates)" if dups
             else " (no duplicates)"))
    if rx:
        say(f"SRTP unprotect: {len(delivered) - replays} ok, {replays} refused as "
            f"replay{'s' if replays != 1 else ''} (ReplayError)"
            + (f" -- the network's duplicate{'s' if dups != 1 else ''}" if replays and replays == dups else ""))
    # LATE put results are part of the late count below, reported once there
    say("put results: " + ", ".join(f"{r.name.lower()} {c}" for r, c in results.items()
                                      if c and r != PutResult.LATE))
    late, late_on_arrival = st["late"], results[PutResult.LATE]
    say(f"played: {kinds[FrameKind.AUDIO]} audio, {kinds[FrameKind.LOST]} concealed (lost or late), "
          f"{kinds[FrameKind.SILENCE]} silence frames")
    say(f"late: {late} packets came after their playout time and were concealed "
          f"({late_on_arrival} arrived after their frame had been concealed, {late - late_on_arrival} while "
          f"the buffer waited for them, beyond its hold); {st['underruns']} frame times waited for overdue "
          f"packets; resets {st['resets']}, reordered {st['reordered']}")
    if delays:
        ds = sorted(delays)
        say(f"buffering delay: mean {sum(ds) / len(ds):.1f} ms, median {ds[len(ds) // 2]:.1f} ms, "
              f"95% {ds[int(len(ds) * 0.95)]:.1f} ms; target now {st['target_delay_ms']:.1f} ms; "
              f"RFC 3550 jitter {st['jitter_ms']:.1f} ms")
    say(f"cost per packet: SRTP protect {t_protect / max(len(sent), 1) * 1e6:.2f} us, "
          f"unprotect {t_unprotect / n * 1e6:.2f} us, jitter buffer put+get {t_jitter / n * 1e6:.2f} us "
          f"(from Python: put_rtp with header parsing, next_due_ms, get_until)" if rx else
          f"cost per packet: jitter buffer put+get {t_jitter / n * 1e6:.2f} us "
          f"(from Python: put_rtp with header parsing, next_due_ms, get_until)")
    return 0
