"""A tiny OpenFlow 1.3 switch over asyncio TCP, for the integration tests.

It answers what the runtime asks while a switch connects (HELLO, FEATURES,
PORT_DESC, DESC, GET_CONFIG), echo, barrier, role requests and flow-stats requests
(with an empty table), can refuse chosen message types with OFPT_ERROR, sends
PACKET_INs, and records every other message for the test to wait on.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass, field

OFP_VERSION = 4
OFPT_HELLO, OFPT_ERROR, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY = 0, 1, 2, 3
OFPT_FEATURES_REQUEST, OFPT_FEATURES_REPLY = 5, 6
OFPT_GET_CONFIG_REQUEST, OFPT_GET_CONFIG_REPLY = 7, 8
OFPT_PACKET_IN, OFPT_PACKET_OUT, OFPT_FLOW_MOD, OFPT_GROUP_MOD = 10, 13, 14, 15
OFPT_MULTIPART_REQUEST, OFPT_MULTIPART_REPLY = 18, 19
OFPT_BARRIER_REQUEST, OFPT_BARRIER_REPLY = 20, 21
OFPT_ROLE_REQUEST, OFPT_ROLE_REPLY = 24, 25
OFPMP_DESC, OFPMP_FLOW, OFPMP_PORT_DESC = 0, 1, 13
OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE = 1, 1
NO_BUFFER = 0xFFFFFFFF
WAIT = 10.0


@dataclass
class Message:
    type: int
    xid: int
    body: bytes

    @property
    def raw(self) -> bytes:
        return struct.pack("!BBHI", OFP_VERSION, self.type, 8 + len(self.body), self.xid) + self.body


@dataclass
class FlowMod:
    cookie: int
    table_id: int
    command: int
    idle_timeout: int
    priority: int
    buffer_id: int
    match: dict[int, bytes]
    output_ports: list[int]


@dataclass
class PacketOut:
    buffer_id: int
    in_port: int
    output_ports: list[int]
    data: bytes


@dataclass
class FakeSwitch:
    dpid: int
    ports: tuple[int, ...] = (1, 2)
    #: Message types answered with OFPT_ERROR BAD_REQUEST/BAD_TYPE instead of being recorded.
    refuse: frozenset[int] = frozenset()
    inbox: list[Message] = field(default_factory=list)
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    async def connect(self, port: int) -> None:
        self._reader, self._writer = await asyncio.open_connection("127.0.0.1", port)
        self.send(OFPT_HELLO, 1, struct.pack("!HHI", 1, 8, 1 << OFP_VERSION))
        self._task = asyncio.create_task(self._read_loop())

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await asyncio.gather(self._writer.wait_closed(), return_exceptions=True)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def send(self, msg_type: int, xid: int, body: bytes) -> None:
        assert self._writer is not None
        self._writer.write(Message(msg_type, xid, body).raw)

    def packet_in(self, in_port: int, data: bytes, *, buffer_id: int = NO_BUFFER, reason: int = 0, cookie: int = 0) -> None:
        oxm = struct.pack("!II", 0x80000004, in_port)  # OXM in_port: class 0x8000, field 0, 4 bytes
        match = struct.pack("!HH", 1, 4 + len(oxm)) + oxm
        match += bytes(-len(match) % 8)
        body = struct.pack("!IHBBQ", buffer_id, len(data), reason, 0, cookie) + match + bytes(2) + data
        self.send(OFPT_PACKET_IN, 0, body)

    async def wait_for(self, msg_type: int, timeout: float = WAIT) -> Message:
        """The first recorded message of `msg_type` (taken out of the inbox)."""

        async def find() -> Message:
            while True:
                for i, m in enumerate(self.inbox):
                    if m.type == msg_type:
                        return self.inbox.pop(i)
                self._arrived.clear()
                await self._arrived.wait()

        try:
            return await asyncio.wait_for(find(), timeout)
        except TimeoutError:
            raise AssertionError(f"switch {self.dpid:x}: no message of type {msg_type} within {timeout} s; inbox types {[m.type for m in self.inbox]}") from None

    async def _read_loop(self) -> None:
        assert self._reader is not None
        while True:
            try:
                header = await self._reader.readexactly(8)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            _, msg_type, length, xid = struct.unpack("!BBHI", header)
            body = await self._reader.readexactly(length - 8)
            self._on_message(Message(msg_type, xid, body))

    def _on_message(self, m: Message) -> None:
        if m.type in self.refuse:
            self.send(OFPT_ERROR, m.xid, struct.pack("!HH", OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE) + m.raw[:64])
            return
        if m.type == OFPT_FEATURES_REQUEST:
            self.send(OFPT_FEATURES_REPLY, m.xid, struct.pack("!QIBBxxII", self.dpid, 0, 254, 0, 0x4F, 0))
        elif m.type == OFPT_ECHO_REQUEST:
            self.send(OFPT_ECHO_REPLY, m.xid, m.body)
        elif m.type == OFPT_GET_CONFIG_REQUEST:
            self.send(OFPT_GET_CONFIG_REPLY, m.xid, struct.pack("!HH", 0, 0xFFFF))
        elif m.type == OFPT_ROLE_REQUEST:
            self.send(OFPT_ROLE_REPLY, m.xid, m.body)
        elif m.type == OFPT_MULTIPART_REQUEST and self._answer_multipart(m):
            return
        elif m.type == OFPT_BARRIER_REQUEST:
            self.send(OFPT_BARRIER_REPLY, m.xid, b"")
            self._record(m)
        elif m.type != OFPT_HELLO:
            self._record(m)

    def _record(self, m: Message) -> None:
        self.inbox.append(m)
        self._arrived.set()

    def _answer_multipart(self, m: Message) -> bool:
        (kind,) = struct.unpack_from("!H", m.body, 0)
        head = struct.pack("!HH4x", kind, 0)
        if kind == OFPMP_PORT_DESC:
            ports = b"".join(_port(p) for p in self.ports)
            self.send(OFPT_MULTIPART_REPLY, m.xid, head + ports)
        elif kind == OFPMP_DESC:
            strings = [(b"sdn-runtime tests", 256), (b"python fake switch", 256), (b"1", 256), (b"0", 32), (b"fake", 256)]
            self.send(OFPT_MULTIPART_REPLY, m.xid, head + b"".join(s.ljust(n, b"\0") for s, n in strings))
        elif kind == OFPMP_FLOW:
            self.send(OFPT_MULTIPART_REPLY, m.xid, head)
        else:
            return False
        return True


def _port(port_no: int) -> bytes:
    hw = bytes([2, 0, 0, 0, 0, port_no & 0xFF])
    name = f"p{port_no}".encode().ljust(16, b"\0")
    return struct.pack("!I4x6s2x16sIIIIIIII", port_no, hw, name, 0, 4, 0x840, 0, 0, 0, 10_000_000, 10_000_000)


def parse_oxms(data: bytes) -> dict[int, bytes]:
    """OXM TLVs of class OPENFLOW_BASIC: field number -> value bytes (mask dropped)."""
    fields: dict[int, bytes] = {}
    at = 0
    while at + 4 <= len(data):
        (header,) = struct.unpack_from("!I", data, at)
        length = header & 0xFF
        has_mask = (header >> 8) & 1
        value = data[at + 4 : at + 4 + length]
        fields[(header >> 9) & 0x7F] = value[: length // 2] if has_mask else value
        at += 4 + length
    return fields


def _output_ports(actions: bytes) -> list[int]:
    ports, at = [], 0
    while at + 4 <= len(actions):
        kind, length = struct.unpack_from("!HH", actions, at)
        if kind == 0:
            ports.append(struct.unpack_from("!I", actions, at + 4)[0])
        at += max(length, 8)
    return ports


def parse_flow_mod(m: Message) -> FlowMod:
    b = m.body
    cookie, _, table_id, command, idle, _hard, priority, buffer_id = struct.unpack_from("!QQBBHHHI", b, 0)
    match_len = struct.unpack_from("!HH", b, 40)[1]
    match = parse_oxms(b[44 : 40 + match_len])
    at = 40 + match_len + (-match_len % 8)
    ports: list[int] = []
    while at + 8 <= len(b):
        kind, length = struct.unpack_from("!HH", b, at)
        if kind == 4:  # OFPIT_APPLY_ACTIONS
            ports += _output_ports(b[at + 8 : at + length])
        at += length
    return FlowMod(cookie, table_id, command, idle, priority, buffer_id, match, ports)


def parse_packet_out(m: Message) -> PacketOut:
    buffer_id, in_port, actions_len = struct.unpack_from("!IIH", m.body, 0)
    actions = m.body[16 : 16 + actions_len]
    return PacketOut(buffer_id, in_port, _output_ports(actions), m.body[16 + actions_len :])
