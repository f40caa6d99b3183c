"""Match builder: values, masks, prerequisites, duplicates, proto conversion."""

from __future__ import annotations

import pytest

from sdn_runtime import CtState, ErrorCode, Match, OxmField, SdnError
from sdn_runtime import _from_proto, _to_proto


def fields(m: Match) -> list[tuple[str, object, object]]:
    return [(f.field, f.value, f.mask) for f in m.fields]


def test_the_brief_example_builds_with_its_prerequisite_added() -> None:
    m = Match().in_port(1).eth_dst("AA:BB:CC:DD:EE:FF").ipv4_dst("10.0.0.0", "255.255.255.0")
    assert fields(m) == [
        ("in_port", 1, None),
        ("eth_dst", "aa:bb:cc:dd:ee:ff", None),
        ("eth_type", 0x0800, None),
        ("ipv4_dst", "10.0.0.0", "255.255.255.0"),
    ]


def test_prefixes_and_prefix_lengths_become_masks() -> None:
    assert fields(Match().ipv4_src("10.1.0.0/16"))[-1] == ("ipv4_src", "10.1.0.0", "255.255.0.0")
    assert fields(Match().ipv4_src("10.1.0.0", 16))[-1] == ("ipv4_src", "10.1.0.0", "255.255.0.0")
    assert fields(Match().ipv6_dst("2001:db8::/32"))[-1] == ("ipv6_dst", "2001:db8::", "ffff:ffff::")


def test_two_level_prerequisites_are_added_in_order() -> None:
    assert [f.field for f in Match().icmpv4_type(8).fields] == ["eth_type", "ip_proto", "icmpv4_type"]
    assert [f.field for f in Match().eth_type(0x86DD).tcp_dst(80).fields] == ["eth_type", "ip_proto", "tcp_dst"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Match().tcp_dst(80), "tcp_dst needs eth_type 0x0800 or 0x86dd: set eth_type first"),
        (lambda: Match().eth_type(0x0806).ipv4_dst("10.0.0.1"), "ipv4_dst needs eth_type 0x0800, but the match has eth_type=2054"),
        (lambda: Match().vlan_pcp(3), "vlan_pcp needs vlan_vid matching a tagged frame: set vlan_vid first"),
        (lambda: Match().vlan_untagged().vlan_pcp(3), "but the match has vlan_vid=0"),
        (lambda: Match().in_phy_port(1), "in_phy_port needs in_port in the match"),
        (lambda: Match().in_port(1).in_port(2), "in_port is already set"),
        (lambda: Match().in_port(1 << 32), "in_port 4294967296 is out of range 0..4294967295"),
        (lambda: Match().in_port(True), "in_port must be an integer"),
        (lambda: Match().eth_dst("aa:bb:cc:dd:ee"), "eth_dst must be a MAC address"),
        (lambda: Match().ipv4_dst("10.0.0.256"), "ipv4_dst must be an IPv4 address"),
        (lambda: Match().ipv4_dst("010.0.0.1"), "ipv4_dst must be an IPv4 address"),
        (lambda: Match().ipv4_dst("10.0.0.1/24"), "sets bits outside its mask"),
        (lambda: Match().ipv4_dst("10.0.0.0/24", 8), "give a prefix"),
        (lambda: Match().ipv4_dst("10.0.0.0", 33), "prefix length 33 is out of range"),
        (lambda: Match().ipv6_src("fe80::1%eth0"), "ipv6_src must be an IPv6 address"),
        (lambda: Match().field("eth_type", 0x800, 0xFFFF), "eth_type cannot be masked"),
        (lambda: Match().field("nope", 1), "unknown OXM field 'nope'"),
        (lambda: Match().vlan_vid(4096), "vlan_vid 4096 is out of range 0..4095"),
    ],
)
def test_invalid_matches_are_refused_with_a_clear_message(build: object, message: str) -> None:
    with pytest.raises(SdnError) as raised:
        build()  # type: ignore[operator]
    assert raised.value.code is ErrorCode.INVALID
    assert message in raised.value.message


def test_vlan_helpers_use_the_wire_form() -> None:
    assert fields(Match().vlan_vid(10)) == [("vlan_vid", 0x100A, None)]
    assert fields(Match().vlan_tagged().vlan_pcp(5)) == [("vlan_vid", 0x1000, 0x1000), ("vlan_pcp", 5, None)]
    assert fields(Match().vlan_untagged()) == [("vlan_vid", 0, None)]


def test_a_match_is_an_immutable_value() -> None:
    base = Match().in_port(1)
    derived = base.eth_src("02:00:00:00:00:01")
    assert len(base.fields) == 1 and len(derived.fields) == 2
    assert base == Match().in_port(1)
    assert derived.get("eth_src") == "02:00:00:00:00:01" and derived.get("eth_dst") is None
    assert "in_port" in derived and "ipv4_src" not in derived


def test_proto_round_trip_keeps_values_masks_and_opaque_fields() -> None:
    m = Match(
        Match().in_port(7).metadata(0xF0, 0xFF).ipv6_src("2001:db8::1").fields
        + (OxmField("ct_label", bytes(range(16))), OxmField("opaque", b"", None, 0xFFFF, 3, True, b"\x00\x01"))
    )
    assert _from_proto.match(_to_proto.match(m)) == m


def test_conntrack_fields_build_with_their_masks_and_reach_the_proto_by_name() -> None:
    tracked_new = CtState.TRACKED | CtState.NEW
    m = Match().ct_state(tracked_new, tracked_new).ct_zone(7).ct_mark(0x10, 0xF0)
    assert fields(m) == [("ct_state", 0x21, 0x21), ("ct_zone", 7, None), ("ct_mark", 0x10, 0xF0)]
    proto = _to_proto.match(m)
    assert [f.field for f in proto.fields] == ["ct_state", "ct_zone", "ct_mark"]
    assert _from_proto.match(proto) == m
    with pytest.raises(SdnError, match="ct_zone"):
        Match().ct_zone(70000)
