"""os-ken's OpenFlow codec (1.3, and 1.0 for one op), timed on the same messages as bench/src/codec.ts.

Reads the reference messages as JSON on stdin (bench/dist/codec.js writes it):

    {"xid": 305419896, "frame": "<hex>",
     "encode": {"hello": "<hex>", "hello_bitmap": "<hex>", ...},
     "decode": {"packet_in": "<hex>", "packet_in_10": "<hex>"},
     "vector_files": ["4-10-ofp_hello.packet", ...] or null}

Before timing an encode op it checks that os-ken builds exactly the reference bytes
(with xid = "xid"); an op whose bytes differ is reported with an "error" and not
timed. An encode op builds the os-ken objects and serializes them, as an os-ken app
does per message; a decode op parses the header and the message from bytes, as
os-ken's Datapath does. Prints one JSON object on stdout, progress on stderr.
Every op runs for about --seconds, after a short warm-up.
"""

import argparse
import importlib.metadata
import json
import os
import platform
import sys
import time

from os_ken.ofproto import ofproto_parser, ofproto_protocol
from os_ken.ofproto import ofproto_v1_0 as ofp10
from os_ken.ofproto import ofproto_v1_0_parser as parser10
from os_ken.ofproto import ofproto_v1_3 as ofp
from os_ken.ofproto import ofproto_v1_3_parser as parser

DP = ofproto_protocol.ProtocolDesc(version=ofp.OFP_VERSION)
DP10 = ofproto_protocol.ProtocolDesc(version=ofp10.OFP_VERSION)
# A batch should last at least this long, so that timer overhead is negligible.
MIN_BATCH_SECONDS = 0.01


def build_hello(xid, _frame):
    msg = parser.OFPHello(DP)
    msg.xid = xid
    msg.serialize()
    return msg.buf


def build_hello_bitmap(xid, _frame):
    msg = parser.OFPHello(DP, elements=[parser.OFPHelloElemVersionBitmap([ofp.OFP_VERSION])])
    msg.xid = xid
    msg.serialize()
    return msg.buf


def build_flow_mod(xid, _frame):
    match = parser.OFPMatch(in_port=1, eth_dst="00:00:00:00:00:02", eth_src="00:00:00:00:00:01")
    actions = [parser.OFPActionOutput(2, 0)]
    msg = parser.OFPFlowMod(
        DP, cookie=0, cookie_mask=0, table_id=0, command=ofp.OFPFC_ADD,
        idle_timeout=0, hard_timeout=0, priority=1, buffer_id=ofp.OFP_NO_BUFFER,
        out_port=ofp.OFPP_ANY, out_group=ofp.OFPG_ANY, flags=0, match=match,
        instructions=[parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, actions)])
    msg.xid = xid
    msg.serialize()
    return msg.buf


def build_flow_mod_ct(xid, _frame):
    nat = parser.NXActionNAT(flags=1, range_ipv4_min="10.0.0.1", range_ipv4_max="10.0.0.9")
    ct = parser.NXActionCT(flags=1, zone_src="", zone_ofs_nbits=1, recirc_table=255, alg=0, actions=[nat])
    resubmit = parser.NXActionResubmitTable(in_port=0xfff8, table_id=1)
    msg = parser.OFPFlowMod(
        DP, cookie=0, cookie_mask=0, table_id=0, command=ofp.OFPFC_ADD,
        idle_timeout=0, hard_timeout=0, priority=100, buffer_id=ofp.OFP_NO_BUFFER,
        out_port=ofp.OFPP_ANY, out_group=ofp.OFPG_ANY, flags=0, match=parser.OFPMatch(eth_type=0x0800),
        instructions=[parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, [ct, resubmit])])
    msg.xid = xid
    msg.serialize()
    return msg.buf


def build_packet_out(xid, frame):
    msg = parser.OFPPacketOut(DP, buffer_id=ofp.OFP_NO_BUFFER, in_port=1,
                              actions=[parser.OFPActionOutput(2, 0)], data=frame)
    msg.xid = xid
    msg.serialize()
    return msg.buf


ENCODERS = {
    "hello": build_hello,
    "hello_bitmap": build_hello_bitmap,
    "flow_mod": build_flow_mod,
    "flow_mod_ct": build_flow_mod_ct,
    "packet_out": build_packet_out,
}


def parse(buf, dp=DP):
    """One message from bytes, the way os-ken's Datapath (of protocol `dp`) parses what it receives."""
    version, msg_type, msg_len, xid = ofproto_parser.header(buf)
    return ofproto_parser.msg(dp, version, msg_type, msg_len, xid, buf)


def measure(batch, seconds, ops_per_call=1):
    """Calibrates a batch size, warms up, then times batches for about `seconds`."""
    n = 1
    while True:
        start = time.perf_counter()
        batch(n)
        if time.perf_counter() - start >= MIN_BATCH_SECONDS:
            break
        n *= 2
    warm_until = time.perf_counter() + min(0.3, seconds / 5)
    while time.perf_counter() < warm_until:
        batch(n)
    calls = 0
    elapsed = 0.0
    while elapsed < seconds:
        start = time.perf_counter()
        batch(n)
        elapsed += time.perf_counter() - start
        calls += n
    ops = calls * ops_per_call
    return {"ops_per_s": ops / elapsed, "ops": ops, "seconds": elapsed}


def first_difference(got, want):
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return i
    return min(len(got), len(want))


def encode_op(build, reference, xid, frame, seconds):
    got = bytes(build(xid, frame))
    if got != reference:
        at = first_difference(got, reference)
        return {"error": f"os-ken builds {len(got)} bytes that differ from the {len(reference)}-byte "
                         f"reference at byte {at}: os-ken {got.hex()} reference {reference.hex()}"}

    def batch(n):
        total = 0
        for i in range(n):
            total += len(build(i, frame))
        return total
    return measure(batch, seconds)


def decode_packet_in(buf, seconds):
    msg = parse(buf)
    if not isinstance(msg, parser.OFPPacketIn) or msg.match["in_port"] != 1 or len(msg.data) != 64:
        return {"error": f"os-ken parsed the reference PACKET_IN as {msg!r}"}

    def batch(n):
        total = 0
        for _ in range(n):
            total += parse(buf).total_len
        return total
    return measure(batch, seconds)


def decode_packet_in_10(buf, seconds):
    msg = parse(buf, DP10)
    if not isinstance(msg, parser10.OFPPacketIn) or msg.in_port != 1 or len(msg.data) != 64:
        return {"error": f"os-ken parsed the reference OpenFlow 1.0 PACKET_IN as {msg!r}"}

    def batch(n):
        total = 0
        for _ in range(n):
            total += parse(buf, DP10).total_len
        return total
    return measure(batch, seconds)


def parse_error(buf):
    """Why os-ken cannot parse `buf`, or None when it can."""
    _version, msg_type, _length, _xid = ofproto_parser.header(buf)
    if msg_type not in getattr(parser, "_MSG_PARSERS", {}):
        return f"os-ken has no parser for OFPT type {msg_type} (it parses what a switch sends)"
    try:
        msg = parser.msg_parser(DP, *ofproto_parser.header(buf), buf)
    except Exception as err:  # os-ken raises anything from struct.error to KeyError
        return f"{type(err).__name__}: {err}"
    return None if msg is not None else "os-ken returned no message"


def decode_vectors(folder, wanted, seconds):
    names = sorted(f for f in os.listdir(folder) if f.endswith(".packet"))
    errors = []
    timed = []
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            buf = f.read()
        error = parse_error(buf)
        if error is not None:
            errors.append({"file": name, "error": error})
        elif wanted is None or name in wanted:
            timed.append((name, buf))
    result = {"files": len(names), "errors": errors, "timed_files": [name for name, _ in timed]}
    if not timed:
        return {**result, "error": "no file left to time"}
    bufs = [buf for _, buf in timed]

    def batch(n):
        total = 0
        for _ in range(n):
            for buf in bufs:
                total += parse(buf).msg_len
        return total
    return {**result, **measure(batch, seconds, ops_per_call=len(bufs))}


def report(name, result):
    if "error" in result:
        print(f"os-ken: {name}: ERROR {result['error']}", file=sys.stderr)
    else:
        print(f"os-ken: {name}: {result['ops_per_s']:,.0f} ops/s", file=sys.stderr)
    return result


def run_ops(spec, opts):
    """Every op that --only selects: encode ops, PACKET_IN decode, the vector files."""
    only = None if opts.only is None else set(opts.only.split(","))
    xid = spec["xid"]
    frame = bytes.fromhex(spec["frame"])
    ops = {}
    for name, build in ENCODERS.items():
        if only is None or name in only:
            reference = bytes.fromhex(spec["encode"][name])
            ops[name] = report(name, encode_op(build, reference, xid, frame, opts.seconds))
    if only is None or "packet_in" in only:
        ops["packet_in"] = report("packet_in", decode_packet_in(bytes.fromhex(spec["decode"]["packet_in"]), opts.seconds))
    if only is None or "packet_in_10" in only:
        ops["packet_in_10"] = report("packet_in_10", decode_packet_in_10(bytes.fromhex(spec["decode"]["packet_in_10"]), opts.seconds))
    if opts.vectors and (only is None or "vectors" in only):
        wanted = spec.get("vector_files")
        ops["vectors"] = report("vectors", decode_vectors(opts.vectors, None if wanted is None else set(wanted), opts.seconds))
    return ops


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--seconds", type=float, default=1.5, help="time budget per op (default 1.5)")
    args.add_argument("--vectors", help="folder of OF1.3 .packet files to decode (default: skip)")
    args.add_argument("--only", help="comma-separated op ids to run (default: all)")
    opts = args.parse_args()
    ops = run_ops(json.load(sys.stdin), opts)
    json.dump({
        "peer": "os-ken",
        "osken_version": importlib.metadata.version("os-ken"),
        "python": platform.python_version(),
        "seconds_per_op": opts.seconds,
        "ops": ops,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
