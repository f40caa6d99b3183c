"""`Match`: an OXM match built one checked field at a time.

    Match().in_port(1).eth_dst("aa:bb:cc:dd:ee:ff").ipv4_dst("10.0.0.0", "255.255.255.0")

Each method returns a new Match (a Match is an immutable value) and checks its
argument right away: ranges, address text, masks (a value may not set bits its mask
clears), duplicates. Prerequisites (OpenFlow 1.3.5 table 12) are kept too: when a
prerequisite has one possible value the method adds it first (`ipv4_dst` adds
eth_type=0x0800, `icmpv4_type` adds eth_type and ip_proto=1); when there is a choice
(`tcp_dst` over IPv4 or IPv6) the caller must make it first (`.eth_type(0x0800)`),
and a prerequisite set to another value is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _oxm
from ._unchecked import constructor
from .constants import VID_NONE, VID_PRESENT
from .errors import invalid
from ._values import split_prefix, uint

OxmValue = int | str | bytes


@dataclass(frozen=True, slots=True)
class OxmField:
    """One match field: its spec/Ryu name, value and optional mask.

    Values: integers for numeric fields (vlan_vid as on the wire, with
    OFPVID_PRESENT), text for addresses, 16 bytes for 128-bit Nicira fields. A field
    the runtime does not model arrives as `field="opaque"` with the opaque_* parts.
    """

    field: str
    value: OxmValue
    mask: OxmValue | None = None
    opaque_class: int = 0
    opaque_field: int = 0
    opaque_has_mask: bool = False
    opaque_payload: bytes = b""


@dataclass(frozen=True, slots=True)
class Match:
    """An OXM match; empty matches everything. Build it with the methods below."""

    fields: tuple[OxmField, ...] = ()

    def get(self, name: str) -> OxmValue | None:
        """The value of field `name`, or None when the match does not set it."""
        for f in self.fields:
            if f.field == name:
                return f.value
        return None

    def __contains__(self, name: object) -> bool:
        for f in self.fields:
            if f.field == name:
                return True
        return False

    def field(self, name: str, value: object, mask: object | None = None) -> Match:
        """Adds field `name` (any OpenFlow 1.3 OXM field) with `value` and optional `mask`."""
        spec = _oxm.spec(name)
        canonical = _oxm.value(spec, value)
        canonical_mask = None if mask is None else _oxm.mask(spec, mask)
        if canonical_mask is not None:
            v, m = _oxm.as_int(spec, canonical), _oxm.as_int(spec, canonical_mask)
            if v & ~m:
                raise invalid(f"{name} value {canonical} sets bits outside its mask {canonical_mask}")
        if name in self:
            raise invalid(f"{name} is already set in this match")
        with_prerequisites = self._ensure(spec, name) if spec.prerequisites else self
        # Checked above: built without running the dataclasses' __init__ again.
        return _new_match(with_prerequisites.fields + (_new_field(name, canonical, canonical_mask, 0, 0, False, b""),))

    def _ensure(self, spec: _oxm.FieldSpec, wanted_by: str) -> Match:
        result = self
        for prerequisite, allowed in spec.prerequisites:
            present = next((f for f in result.fields if f.field == prerequisite), None)
            if present is not None:
                if not _satisfies(present, allowed):
                    raise invalid(f"{wanted_by} needs {_describe(prerequisite, allowed)}, but the match has {prerequisite}={present.value!r}")
                continue
            if len(allowed) != 1:
                raise invalid(f"{wanted_by} needs {_describe(prerequisite, allowed)}: set {prerequisite} first")
            parent = _oxm.spec(prerequisite)
            result = result._ensure(parent, wanted_by)
            result = Match(result.fields + (OxmField(prerequisite, allowed[0]),))
        return result

    # -- one method per field, in OXM order ------------------------------------

    def in_port(self, port: int) -> Match:
        return self.field("in_port", port)

    def in_phy_port(self, port: int) -> Match:
        return self.field("in_phy_port", port)

    def metadata(self, value: int, mask: int | None = None) -> Match:
        return self.field("metadata", value, mask)

    def eth_dst(self, mac: str, mask: str | None = None) -> Match:
        return self.field("eth_dst", mac, mask)

    def eth_src(self, mac: str, mask: str | None = None) -> Match:
        return self.field("eth_src", mac, mask)

    def eth_type(self, ethertype: int) -> Match:
        return self.field("eth_type", ethertype)

    def vlan_vid(self, vid: int) -> Match:
        """Frames tagged with VLAN `vid` (0..4095); stored with OFPVID_PRESENT set."""
        return self.field("vlan_vid", uint("vlan_vid", vid, 12) | VID_PRESENT)

    def vlan_untagged(self) -> Match:
        """Frames without a VLAN tag (OFPVID_NONE)."""
        return self.field("vlan_vid", VID_NONE)

    def vlan_tagged(self) -> Match:
        """Frames with any VLAN tag (OFPVID_PRESENT/OFPVID_PRESENT)."""
        return self.field("vlan_vid", VID_PRESENT, VID_PRESENT)

    def vlan_pcp(self, pcp: int) -> Match:
        return self.field("vlan_pcp", pcp)

    def ip_dscp(self, dscp: int) -> Match:
        return self.field("ip_dscp", dscp)

    def ip_ecn(self, ecn: int) -> Match:
        return self.field("ip_ecn", ecn)

    def ip_proto(self, proto: int) -> Match:
        return self.field("ip_proto", proto)

    def ipv4_src(self, address: str, mask: str | int | None = None) -> Match:
        """`address` may be a prefix ('10.0.0.0/8'); `mask` dotted or a prefix length."""
        return self._prefixed("ipv4_src", address, mask)

    def ipv4_dst(self, address: str, mask: str | int | None = None) -> Match:
        return self._prefixed("ipv4_dst", address, mask)

    def tcp_src(self, port: int) -> Match:
        return self.field("tcp_src", port)

    def tcp_dst(self, port: int) -> Match:
        return self.field("tcp_dst", port)

    def udp_src(self, port: int) -> Match:
        return self.field("udp_src", port)

    def udp_dst(self, port: int) -> Match:
        return self.field("udp_dst", port)

    def sctp_src(self, port: int) -> Match:
        return self.field("sctp_src", port)

    def sctp_dst(self, port: int) -> Match:
        return self.field("sctp_dst", port)

    def icmpv4_type(self, value: int) -> Match:
        return self.field("icmpv4_type", value)

    def icmpv4_code(self, value: int) -> Match:
        return self.field("icmpv4_code", value)

    def arp_op(self, op: int) -> Match:
        return self.field("arp_op", op)

    def arp_spa(self, address: str, mask: str | int | None = None) -> Match:
        return self._prefixed("arp_spa", address, mask)

    def arp_tpa(self, address: str, mask: str | int | None = None) -> Match:
        return self._prefixed("arp_tpa", address, mask)

    def arp_sha(self, mac: str, mask: str | None = None) -> Match:
        return self.field("arp_sha", mac, mask)

    def arp_tha(self, mac: str, mask: str | None = None) -> Match:
        return self.field("arp_tha", mac, mask)

    def ipv6_src(self, address: str, mask: str | int | None = None) -> Match:
        return self._prefixed("ipv6_src", address, mask)

    def ipv6_dst(self, address: str, mask: str | int | None = None) -> Match:
        return self._prefixed("ipv6_dst", address, mask)

    def ipv6_flabel(self, label: int, mask: int | None = None) -> Match:
        return self.field("ipv6_flabel", label, mask)

    def icmpv6_type(self, value: int) -> Match:
        return self.field("icmpv6_type", value)

    def icmpv6_code(self, value: int) -> Match:
        return self.field("icmpv6_code", value)

    def ipv6_nd_target(self, address: str) -> Match:
        return self.field("ipv6_nd_target", address)

    def ipv6_nd_sll(self, mac: str) -> Match:
        return self.field("ipv6_nd_sll", mac)

    def ipv6_nd_tll(self, mac: str) -> Match:
        return self.field("ipv6_nd_tll", mac)

    def mpls_label(self, label: int) -> Match:
        return self.field("mpls_label", label)

    def mpls_tc(self, tc: int) -> Match:
        return self.field("mpls_tc", tc)

    def mpls_bos(self, bos: int) -> Match:
        return self.field("mpls_bos", bos)

    def pbb_isid(self, isid: int, mask: int | None = None) -> Match:
        return self.field("pbb_isid", isid, mask)

    def tunnel_id(self, tunnel: int, mask: int | None = None) -> Match:
        return self.field("tunnel_id", tunnel, mask)

    def ipv6_exthdr(self, flags: int, mask: int | None = None) -> Match:
        return self.field("ipv6_exthdr", flags, mask)

    def ct_state(self, state: int, mask: int | None = None) -> Match:
        """Open vSwitch's connection-tracking state (Nicira ct_state), CtState bits:
        ``ct_state(CtState.TRACKED | CtState.NEW, CtState.TRACKED | CtState.NEW)`` is
        "+trk+new", ``ct_state(0, CtState.TRACKED)`` is "-trk". Without a mask every
        bit must match."""
        return self.field("ct_state", int(state), None if mask is None else int(mask))

    def ct_zone(self, zone: int) -> Match:
        """The conntrack zone (Nicira ct_zone, 0..65535) the packet was last tracked in."""
        return self.field("ct_zone", zone)

    def ct_mark(self, mark: int, mask: int | None = None) -> Match:
        """The mark committed with the connection (Nicira ct_mark, 32 bits)."""
        return self.field("ct_mark", mark, mask)

    def _prefixed(self, name: str, address: str, mask: str | int | None) -> Match:
        value, prefix = split_prefix(address)
        if prefix is not None and mask is not None:
            raise invalid(f"{name}: give a prefix ('{address}') or a mask, not both")
        return self.field(name, value, prefix if prefix is not None else mask)


_new_field = constructor(OxmField)
_new_match = constructor(Match)


def _satisfies(present: OxmField, allowed: tuple[int, ...]) -> bool:
    if not allowed and present.field == "vlan_vid":
        # vlan_vid "not none": a tag must be required, exactly or by the PRESENT bit.
        return isinstance(present.value, int) and bool(present.value & VID_PRESENT)
    if not allowed:
        return True
    return present.mask is None and present.value in allowed


def _describe(name: str, allowed: tuple[int, ...]) -> str:
    if not allowed:
        return f"{name} matching a tagged frame" if name == "vlan_vid" else f"{name} in the match"
    return f"{name} " + " or ".join(f"0x{v:04x}" if name == "eth_type" else str(v) for v in allowed)
