"""The public surface is pinned: adding or removing a name is a decision, made here."""

from __future__ import annotations

import dataclasses

import sdn_runtime
from sdn_runtime import packet

EXPECTED = sorted(
    """
    APP_COOKIE_MASK AggregateStats App Bucket CompareTarget ControllerMaxLen ControllerRole CtState DeleteResult DescStats DropBand
    DscpRemarkBand Endpoint ErrorCode Event EventKind ExperimenterBand FlowModCommand FlowModFlags FlowRemoved
    FlowRemovedReason FlowStats Gap GetResult Group GroupDesc GroupModCommand GroupStats GroupType Host HostAdded HostMoved HostRemoved KeyValue Kv
    KvChange KvChangeType KvCompare KvDelete KvGet KvPut KvWatch Link LinkDown LinkUp Match Meter MeterBand MeterConfig MeterFlags
    MeterModCommand MeterStats NO_BUFFER NodeDown NodeUp NxCtFlags OpenFlowError OxmField PacketIn PacketInFilter PacketInReason
    PluginCounters PluginError PluginState PluginStateChange PluginStatus Plugins Port
    PortDesc PortReason PortStats PortStatus PubSubMessage PutResult QueueStats RangeResult RoleChanged RoleReply
    RuntimeStatus SdnError Subscription Switch SwitchDown SwitchError SwitchInfo SwitchRole SwitchStats SwitchUp Table
    TableDeclaration TableStats TlsConfig TxnResult VID_NONE VID_PRESENT actions connect instructions packet
    """.split()
)

EXPECTED_PACKET = sorted(
    """
    ARP_REPLY ARP_REQUEST CHASSIS_ID_LOCALLY_ASSIGNED CHASSIS_ID_MAC_ADDRESS ETH_TYPE_ARP ETH_TYPE_IPV4
    ETH_TYPE_IPV6 ETH_TYPE_LLDP ETH_TYPE_QINQ ETH_TYPE_VLAN ICMPV6_ECHO_REPLY ICMPV6_ECHO_REQUEST
    ICMPV6_NEIGHBOR_ADVERTISEMENT ICMPV6_NEIGHBOR_SOLICITATION ICMP_ECHO_REPLY ICMP_ECHO_REQUEST IPV4_FLAG_DF
    IPV4_FLAG_MF IP_PROTO_ICMP IP_PROTO_ICMPV6 IP_PROTO_TCP IP_PROTO_UDP LLDP_MAC_NEAREST_BRIDGE
    LLDP_TLV_PORT_DESCRIPTION LLDP_TLV_SYSTEM_NAME PORT_ID_INTERFACE_NAME PORT_ID_LOCALLY_ASSIGNED
    PORT_ID_PORT_COMPONENT TCP_ACK TCP_FIN TCP_PSH TCP_RST TCP_SYN Arp Ethernet Icmp Icmpv6 Ipv4 Ipv6
    Ipv6Extension Layer Lldp LldpTlv Packet PacketError Tcp Udp Vlan build echo_payload internet_checksum parse
    """.split()
)


def test_the_sdk_exports_exactly_the_pinned_names() -> None:
    assert sorted(sdn_runtime.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(sdn_runtime, name) is not None, name


def test_the_packet_library_exports_exactly_the_pinned_names() -> None:
    assert sorted(packet.__all__) == EXPECTED_PACKET
    for name in EXPECTED_PACKET:
        assert getattr(packet, name) is not None, name


def test_the_package_is_typed() -> None:
    from importlib.resources import files

    assert files("sdn_runtime").joinpath("py.typed").is_file()


def test_generated_code_is_not_reexported() -> None:
    assert not any(name.startswith("_") or name.endswith("_pb2") for name in sdn_runtime.__all__)


def test_kv_offers_exactly_the_pinned_methods() -> None:
    methods = sorted(name for name in vars(sdn_runtime.Kv) if not name.startswith("_"))
    assert methods == ["delete", "get", "put", "range", "range_pages", "txn", "watch"]


def test_actions_carry_the_pinned_nicira_builders() -> None:
    from sdn_runtime import actions

    nicira = sorted(name for name in dir(actions) if name.lower().startswith("nx"))
    assert nicira == sorted(
        """
        NxConjunction NxCt NxCtClear NxFlowSpec NxFlowSpecField NxLearn NxNat NxNote NxRegLoad NxRegMove NxResubmit
        NxResubmitTable nx_conjunction nx_ct nx_ct_clear nx_learn nx_nat nx_note nx_reg_load nx_reg_move nx_resubmit
        nx_resubmit_table
        """.split()
    )


def test_event_fields_apps_rely_on_are_pinned() -> None:
    assert [(f.name, f.type) for f in dataclasses.fields(sdn_runtime.SwitchUp)] == [
        ("dpid", "int"),
        ("switch", "SwitchInfo"),
        ("seq", "int"),
        ("time_ms", "int"),
        ("snapshot", "bool"),
    ]
    roles = [(f.name, f.type) for f in dataclasses.fields(sdn_runtime.SwitchInfo)][-3:]
    assert roles == [("role", "SwitchRole"), ("master_node", "str"), ("generation", "int")]


def test_flow_ownership_is_pinned() -> None:
    """The app keeps the low 48 bits of its cookies and knows its app id (the top 16)."""
    assert sdn_runtime.APP_COOKIE_MASK == 0xFFFF_FFFF_FFFF
    assert isinstance(vars(sdn_runtime.App)["app_id"], property)
    assert isinstance(vars(sdn_runtime.App)["tables"], property)
    assert [f.name for f in dataclasses.fields(sdn_runtime.TableDeclaration)] == ["name", "after"]
