"""Action, instruction, bucket and band values: checks when built, proto round trips,
and the flow-mod / packet-out argument checks."""

from __future__ import annotations

import pytest

from sdn_runtime import (
    Bucket,
    DropBand,
    DscpRemarkBand,
    ErrorCode,
    FlowModCommand,
    Match,
    Port,
    SdnError,
    Table,
    actions,
    instructions,
)
from sdn_runtime import _commands, _from_proto, _to_proto


def every_action() -> list[actions.Action]:
    return [
        actions.output(Port.CONTROLLER),
        actions.copy_ttl_out(),
        actions.copy_ttl_in(),
        actions.set_mpls_ttl(9),
        actions.dec_mpls_ttl(),
        actions.push_vlan(),
        actions.pop_vlan(),
        actions.push_mpls(0x8848),
        actions.pop_mpls(0x0800),
        actions.set_queue(3),
        actions.group(4),
        actions.set_nw_ttl(5),
        actions.dec_nw_ttl(),
        actions.set_field("vlan_vid", 10),
        actions.set_field("ipv4_dst", "10.0.0.9"),
        actions.push_pbb(),
        actions.pop_pbb(),
        actions.experimenter(0x2320, b"\x00\x01"),
        *nicira_actions(),
    ]


def nicira_actions() -> list[actions.Action]:
    return [
        actions.nx_ct(flags=1, zone_src="reg0", zone_ofs_nbits=15, recirc_table=4, actions=[
            actions.nx_nat(1, range_ipv4_min="10.0.0.1", range_ipv4_max="10.0.0.9", range_proto_min=1024),
            actions.set_field("ip_dscp", 3),
        ]),
        actions.nx_ct(zone_ofs_nbits=7),
        actions.nx_ct_clear(),
        actions.nx_nat(2, range_ipv6_min="2001:db8::1"),
        actions.nx_resubmit(),
        actions.nx_resubmit_table(3),
        actions.nx_learn(99, [
            actions.NxFlowSpec("match", actions.NxFlowSpecField("vlan_vid"), 12, actions.NxFlowSpecField("vlan_vid")),
            actions.NxFlowSpec("load", 0x1234, 16, actions.NxFlowSpecField("reg1")),
            actions.NxFlowSpec("output", actions.NxFlowSpecField(0x00010104, 2), 32),
        ], hard_timeout=300),
        actions.nx_reg_load("reg0", 0xDEADBEEF, 0, 32),
        actions.nx_reg_move("reg0", "reg1", 6, src_ofs=10),
        actions.nx_conjunction(7, 0, 2),
        actions.nx_note(b"\x04\x05\x06\x07\x00\x00"),
    ]


def test_nicira_builders_give_the_runtime_codec_values() -> None:
    assert actions.nx_reg_load("reg1", 1, 4, 4) == actions.NxRegLoad("reg1", 1, (4 << 6) | 3)
    assert actions.nx_resubmit_table(3) == actions.NxResubmitTable(3, 0xFFF8)
    assert actions.nx_learn(1, []).priority == 0x8000
    assert actions.nx_ct().recirc_table == 255


def test_every_action_survives_a_proto_round_trip() -> None:
    for a in every_action():
        assert _from_proto.action(_to_proto.action(a)) == a


def test_every_instruction_survives_a_proto_round_trip() -> None:
    every: list[instructions.Instruction] = [
        instructions.apply_actions(*every_action()),
        instructions.write_actions(actions.output(1)),
        instructions.clear_actions(),
        instructions.goto_table(1),
        instructions.write_metadata(0x10, 0xF0),
        instructions.meter(2),
        instructions.experimenter(1, b"x"),
    ]
    for i in every:
        assert _from_proto.instruction(_to_proto.instruction(i)) == i


def test_buckets_and_bands_survive_a_proto_round_trip() -> None:
    bucket = Bucket(actions=(actions.output(2),), weight=3, watch_port=4)
    assert _from_proto.bucket(_to_proto.bucket(bucket)) == bucket
    assert _from_proto.bucket(_to_proto.bucket(Bucket())) == Bucket()
    for band in (DropBand(1000, 10), DscpRemarkBand(500, 2)):
        assert _from_proto.band(_to_proto.band(band)) == band


def test_set_field_vlan_vid_carries_the_present_bit() -> None:
    assert actions.set_field("vlan_vid", 10).field.value == 0x100A


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: actions.output(0), "output port 0 is not a valid port"),
        (lambda: actions.output(1, max_len=70000), "max_len 70000 is out of range"),
        (lambda: actions.push_vlan(0x0800), "push_vlan ethertype must be 0x8100 or 0x88a8"),
        (lambda: actions.set_field("eth_dst", "nope"), "set_field eth_dst must be a MAC address"),
        (lambda: actions.set_field("in_port", -1), "out of range"),
        (lambda: instructions.goto_table(255), "above OFPTT_MAX"),
        (lambda: DropBand(0), "band rate must be above 0"),
        (lambda: Bucket(weight=1 << 16), "bucket weight"),
        (lambda: actions.nx_resubmit_table(256), "resubmit table_id 256 is out of range"),
        (lambda: actions.nx_reg_load("reg0", 1, 0, 0), "are not a field's bits"),
        (lambda: actions.nx_nat(0, range_ipv4_min="10.0.0.300"), "nat range_ipv4_min"),
        (lambda: actions.NxFlowSpec("match", actions.NxFlowSpecField("reg0"), 0, actions.NxFlowSpecField("reg0")), "1..1023"),
        (lambda: actions.NxFlowSpec("output", 1, 8, actions.NxFlowSpecField("reg0")), "has a dst unless"),
    ],
)
def test_invalid_values_are_refused(build: object, message: str) -> None:
    with pytest.raises(SdnError) as raised:
        build()  # type: ignore[operator]
    assert raised.value.code is ErrorCode.INVALID and message in raised.value.message


def flow_mod(**overrides: object) -> object:
    args: dict[str, object] = dict(
        match=Match(), instructions=(), actions=None, command=FlowModCommand.ADD, priority=1, table_id=0,
        idle_timeout=0, hard_timeout=0, cookie=0, cookie_mask=0, buffer_id=None, out_port=None, out_group=None, flags=0,
    )  # fmt: skip
    args.update(overrides)
    return _commands.flow_mod(**args)  # type: ignore[arg-type]


def test_flow_mod_checks_its_arguments() -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"priority": 70000}, "priority 70000 is out of range"),
        ({"idle_timeout": -1}, "idle_timeout -1 is out of range"),
        ({"table_id": Table.ALL}, "only valid for deletes"),
        ({"actions": [actions.output(1)], "instructions": [instructions.clear_actions()]}, "not both"),
        ({"instructions": [instructions.goto_table(1), instructions.goto_table(2)]}, "appears twice"),
        ({"match": "in_port=1"}, "match must be a Match"),
    ]
    for overrides, message in cases:
        with pytest.raises(SdnError) as raised:
            flow_mod(**overrides)
        assert message in raised.value.message, overrides
    assert flow_mod(table_id=Table.ALL, command=FlowModCommand.DELETE) is not None


def test_flow_mod_optional_fields_are_absent_unless_given() -> None:
    message = _commands.flow_mod(
        match=Match(), instructions=(), actions=[], command=FlowModCommand.DELETE, priority=0, table_id=0,
        idle_timeout=0, hard_timeout=0, cookie=0, cookie_mask=0, buffer_id=None, out_port=Port.ANY, out_group=None, flags=0,
    )  # fmt: skip
    assert not message.HasField("buffer_id") and not message.HasField("out_group")
    assert message.out_port == Port.ANY and list(message.instructions) == []


def test_packet_out_needs_a_frame_or_a_buffer() -> None:
    with pytest.raises(SdnError, match="needs the frame"):
        _commands.packet_out(data=b"", actions=[], in_port=None, buffer_id=None)
    assert _commands.packet_out(data=b"", actions=[], in_port=None, buffer_id=5).buffer_id == 5
