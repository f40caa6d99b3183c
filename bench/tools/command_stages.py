#!/usr/bin/env python3
"""Where the time of sequential command round trips goes, stage by stage.

The overlay-processes benchmark (`--only-commands`) times barriers and confirmed
flow-mods from an sdk-ts client to a switch of node 1, through 0 or 1 overlay
hops. Each round trip is one TCP segment per stage on loopback:

    client -> node (gRPC)  [-> node 1 (overlay)] -> switch (OpenFlow)
    switch -> node 1       [-> client's node (overlay)] -> client (gRPC)

`capture` records every TCP segment with a payload on `lo` with its kernel
timestamp on CLOCK_MONOTONIC (root: an AF_PACKET socket). `analyze` cuts the
capture into round trips and prints each stage's p50/p90/p99/max: the time
between a segment into a process and that process's next segment out is that
process's share (waking up, waiting for a core, running). With a
`perf sched timehist` of the same minutes (`perf sched record -k
CLOCK_MONOTONIC`), it also says how much of the slow stages' time the stage's
process spent waiting on a run queue and how much running.

Diagnosis only: stdlib, no part of the runtime or of `npm test`. The capture
takes every host's loopback traffic (other benchmarks' too) and costs CPU of
its own; the stray segments of the same connections (a packet-in, an overlay
ping) can be taken for a stage now and then.

    sudo python3 bench/tools/command_stages.py capture --out /tmp/x/segments.txt
    python3 bench/tools/command_stages.py analyze /tmp/x/segments.txt --grpc PORT --openflow PORT [--overlay PORT]
        [--timehist FILE --pids node=PID,node1=PID,switch=PID,client=PID]
"""

import argparse
import bisect
import collections
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
IPPROTO_TCP = 6


def capture(out: str) -> int:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    s.bind(('lo', 0))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.settimeout(0.5)
    # Kernel stamps are CLOCK_REALTIME; the benchmark's clock is CLOCK_MONOTONIC.
    offset = time.clock_gettime_ns(time.CLOCK_MONOTONIC) - time.clock_gettime_ns(time.CLOCK_REALTIME)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    rows = []
    while not stopping:
        try:
            data, ancillary, _, addr = s.recvmsg(128, 64)
        except (socket.timeout, InterruptedError):
            continue
        # Loopback shows each segment twice (outgoing, incoming): keep one.
        if addr[2] == socket.PACKET_OUTGOING or len(data) < 54 or data[12:14] != b'\x08\x00' or data[23] != IPPROTO_TCP:
            continue
        ihl = (data[14] & 15) * 4
        total = struct.unpack_from('!H', data, 16)[0]
        tcp = 14 + ihl
        sport, dport = struct.unpack_from('!HH', data, tcp)
        payload = total - ihl - (data[tcp + 12] >> 4) * 4
        if payload <= 0:
            continue
        stamp = next((struct.unpack('qq', d[:16]) for level, kind, d in ancillary if kind == SO_TIMESTAMPNS), None)
        if stamp is None:
            continue
        rows.append((stamp[0] * 1_000_000_000 + stamp[1] + offset, sport, dport, payload))
    with open(out, 'w') as f:
        for row in rows:
            f.write('%d %d %d %d\n' % row)
    print(f'{len(rows)} segments in {out}', file=sys.stderr)
    return 0


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def read_timehist(path):
    """Per thread id: (run start ms, run end ms, scheduling delay before it ms), sorted."""
    runs = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 6 or not p[0][0].isdigit() or '[' not in p[2]:
                continue
            try:
                end, delay, ran = float(p[0]) * 1000, float(p[4]), float(p[5])
            except ValueError:
                continue
            name = p[2]
            tid = name[name.rfind('[') + 1:].rstrip(']').split('/')[0]
            runs[tid].append((end - ran, end, delay))
    for v in runs.values():
        v.sort()
    return runs


def analyze(a) -> int:
    rows = []
    with open(a.segments) as f:
        for line in f:
            rows.append(tuple(map(int, line.split())))
    rows.sort()
    into_grpc = collections.Counter(s for _, s, d, _ in rows if d == a.grpc)
    if not into_grpc:
        print(f'no segment to port {a.grpc} in {a.segments}', file=sys.stderr)
        return 1
    client = into_grpc.most_common(1)[0][0]
    # The segments of one round trip, each with the process that receives it: that process holds the stage up to the next segment.
    if a.overlay is None:
        stages = [('node1', lambda s, d: s == client and d == a.grpc), ('switch', lambda s, d: s == a.openflow),
                  ('node1', lambda s, d: d == a.openflow), ('client', lambda s, d: s == a.grpc and d == client)]
    else:
        stages = [('node', lambda s, d: s == client and d == a.grpc), ('node1', lambda s, d: d == a.overlay),
                  ('switch', lambda s, d: s == a.openflow), ('node1', lambda s, d: d == a.openflow),
                  ('node', lambda s, d: s == a.overlay), ('client', lambda s, d: s == a.grpc and d == client)]
    holders = [stages[i][0] for i in range(len(stages) - 1)]
    trips, current = [], None
    for t, s, d, _ in rows:
        if current is None:
            if stages[0][1](s, d):
                current = [t]
            continue
        if stages[len(current)][1](s, d):
            current.append(t)
            if len(current) == len(stages):
                trips.append(current)
                current = None
    if not trips:
        print('no complete round trip found: check the ports', file=sys.stderr)
        return 1
    ms = lambda ns: ns / 1e6
    total = sorted(ms(tr[-1] - tr[0]) for tr in trips)
    print(f'{len(trips)} round trips (client port {client}); on the wire, first segment to last: p50 {percentile(total, .5):.3f} p99 {percentile(total, .99):.3f} max {total[-1]:.2f} ms')
    print('| stage (held by) | p50 ms | p90 ms | p99 ms | max ms |')
    print('| --- | ---: | ---: | ---: | ---: |')
    labels = [f'{i + 1}. {holders[i]}' for i in range(len(holders))]  # e.g. '2. node1': node 1, command in -> out
    for i, label in enumerate(labels):
        v = sorted(ms(tr[i + 1] - tr[i]) for tr in trips)
        print(f'| {label} | {percentile(v, .5):.3f} | {percentile(v, .9):.3f} | {percentile(v, .99):.3f} | {v[-1]:.2f} |')
    turns = sorted(ms(trips[i + 1][0] - trips[i][-1]) for i in range(len(trips) - 1))
    if turns:
        print(f'| client: answer -> next command | {percentile(turns, .5):.3f} | {percentile(turns, .9):.3f} | {percentile(turns, .99):.3f} | {turns[-1]:.2f} |')
    threshold = percentile(total, .99)
    held = collections.Counter()
    for tr in trips:
        if ms(tr[-1] - tr[0]) >= threshold:
            gaps = [tr[i + 1] - tr[i] for i in range(len(holders))]
            held[labels[max(range(len(gaps)), key=gaps.__getitem__)]] += 1
    print(f'slowest 1 % (>= {threshold:.2f} ms): the stage holding most of each: {dict(held)}')
    if a.timehist is not None:
        attribute(a, trips, holders, labels)
    return 0


def attribute(a, trips, holders, labels):
    pids = dict(kv.split('=') for kv in a.pids.split(','))
    runs = read_timehist(a.timehist)
    slow = a.slow_ms
    print(f'stages over {slow} ms: time of the holding process\'s main thread waiting on a run queue, running, neither (asleep: nothing for it yet)')
    print('| stage | stages over the bar | their ms | run queue ms | running ms | mostly run queue | mostly running |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    for i, label in enumerate(labels):
        tid = pids.get(holders[i])
        if tid is None:
            continue
        thread = runs.get(tid, [])
        count = spent = queued = running = mostly_queued = mostly_running = 0
        for tr in trips:
            start, end = tr[i] / 1e6, tr[i + 1] / 1e6
            if end - start < slow:
                continue
            count += 1
            spent += end - start
            q = r = 0.0
            j = bisect.bisect_left(thread, (start - 200,))
            for run_start, run_end, delay in thread[j:]:
                if run_start > end:
                    break
                q += max(0.0, min(end, run_start) - max(start, run_start - delay))
                r += max(0.0, min(end, run_end) - max(start, run_start))
            queued += q
            running += r
            mostly_queued += q > (end - start) / 2
            mostly_running += r > (end - start) / 2
        print(f'| {label} | {count} | {spent:.0f} | {queued:.0f} | {running:.0f} | {mostly_queued} | {mostly_running} |')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    c = sub.add_parser('capture', help='record TCP segments with a payload on lo (root) until SIGINT/SIGTERM')
    c.add_argument('--out', required=True)
    n = sub.add_parser('analyze', help='stage percentiles of the round trips in a capture')
    n.add_argument('segments')
    n.add_argument('--grpc', type=int, required=True, help="gRPC port of the client's node")
    n.add_argument('--openflow', type=int, required=True, help="node 1's OpenFlow port")
    n.add_argument('--overlay', type=int, help="node 1's overlay port (the client is on another node)")
    n.add_argument('--timehist', help='`perf sched timehist` output of the same minutes (recorded with -k CLOCK_MONOTONIC)')
    n.add_argument('--pids', default='', help='node=PID,node1=PID,switch=PID: the processes holding the stages (the switch is the benchmark process)')
    n.add_argument('--slow-ms', type=float, default=1.0, help='the stages the run-queue attribution looks at (default 1 ms)')
    a = parser.parse_args()
    return capture(a.out) if a.command == 'capture' else analyze(a)


if __name__ == '__main__':
    sys.exit(main())
