//! OpenFlow 1.3 constants and builders for the WIT values.

use std::net::Ipv4Addr;

use super::{Action, Command, CommandBody, FlowMod, FlowModCommand, Instruction, Mac, OutputAction, OxmField, OxmValue, PacketIn, PacketOut, WriteMetadata};

/// Reserved port numbers (ofp_port_no, OpenFlow 1.3.5 7.2.1).
pub mod port {
    pub const MAX: u32 = 0xffff_ff00;
    pub const IN_PORT: u32 = 0xffff_fff8;
    pub const TABLE: u32 = 0xffff_fff9;
    pub const NORMAL: u32 = 0xffff_fffa;
    pub const FLOOD: u32 = 0xffff_fffb;
    pub const ALL: u32 = 0xffff_fffc;
    pub const CONTROLLER: u32 = 0xffff_fffd;
    pub const LOCAL: u32 = 0xffff_fffe;
    pub const ANY: u32 = 0xffff_ffff;
}

/// EtherTypes.
pub mod eth_type {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const VLAN: u16 = 0x8100;
    pub const IPV6: u16 = 0x86dd;
    pub const MPLS: u16 = 0x8847;
    pub const LLDP: u16 = 0x88cc;
}

/// OFPFF_* flow-mod flags.
pub mod flow_mod_flags {
    pub const SEND_FLOW_REM: u16 = 1;
    pub const CHECK_OVERLAP: u16 = 2;
    pub const RESET_COUNTS: u16 = 4;
    pub const NO_PKT_COUNTS: u16 = 8;
    pub const NO_BYT_COUNTS: u16 = 16;
}

/// OFP_NO_BUFFER: a packet-in whose frame is all in `data`.
pub const NO_BUFFER: u32 = 0xffff_ffff;
/// OFPCML_NO_BUFFER: send the whole packet to the controller, do not buffer it.
pub const CONTROLLER_MAX_LEN_NO_BUFFER: u16 = 0xffff;

/// A dpid as the WIT carries it (16 lowercase hex digits).
pub fn dpid(value: u64) -> String {
    format!("{value:016x}")
}

/// OXM fields by their spec names.
pub mod oxm {
    use super::{Ipv4Addr, Mac, OxmField, OxmValue};

    fn field(name: &str, value: OxmValue, mask: Option<OxmValue>) -> OxmField {
        OxmField { field: name.to_owned(), value, mask }
    }
    /// A field of up to 32 bits, optionally masked.
    pub fn uint(name: &str, value: u32, mask: Option<u32>) -> OxmField {
        field(name, OxmValue::Uint(value), mask.map(OxmValue::Uint))
    }
    /// A 64-bit field (metadata, tunnel_id), optionally masked.
    pub fn big(name: &str, value: u64, mask: Option<u64>) -> OxmField {
        field(name, OxmValue::Big(value.to_string()), mask.map(|m| OxmValue::Big(m.to_string())))
    }
    /// An address field as text (MAC, IPv4, IPv6), optionally masked.
    pub fn text(name: &str, value: &str, mask: Option<&str>) -> OxmField {
        field(name, OxmValue::Text(value.to_owned()), mask.map(|m| OxmValue::Text(m.to_owned())))
    }
    pub fn in_port(port: u32) -> OxmField {
        uint("in_port", port, None)
    }
    pub fn eth_dst(mac: Mac) -> OxmField {
        text("eth_dst", &mac.text(), None)
    }
    pub fn eth_src(mac: Mac) -> OxmField {
        text("eth_src", &mac.text(), None)
    }
    pub fn eth_type(value: u16) -> OxmField {
        uint("eth_type", value.into(), None)
    }
    /// A tagged VLAN is `0x1000 | vid` (OFPVID_PRESENT), as the spec wants.
    pub fn vlan_vid(vid: u16) -> OxmField {
        uint("vlan_vid", vid.into(), None)
    }
    pub fn ip_proto(proto: u8) -> OxmField {
        uint("ip_proto", proto.into(), None)
    }
    pub fn ipv4_src(ip: Ipv4Addr) -> OxmField {
        text("ipv4_src", &ip.to_string(), None)
    }
    pub fn ipv4_dst(ip: Ipv4Addr) -> OxmField {
        text("ipv4_dst", &ip.to_string(), None)
    }
    pub fn tcp_src(port: u16) -> OxmField {
        uint("tcp_src", port.into(), None)
    }
    pub fn tcp_dst(port: u16) -> OxmField {
        uint("tcp_dst", port.into(), None)
    }
    pub fn udp_src(port: u16) -> OxmField {
        uint("udp_src", port.into(), None)
    }
    pub fn udp_dst(port: u16) -> OxmField {
        uint("udp_dst", port.into(), None)
    }
    pub fn metadata(value: u64, mask: Option<u64>) -> OxmField {
        big("metadata", value, mask)
    }
}

/// The value of field `name` in a match, if present.
pub fn match_value<'a>(fields: &'a [OxmField], name: &str) -> Option<&'a OxmValue> {
    fields.iter().find(|f| f.field == name).map(|f| &f.value)
}

/// Output to `port` (to the controller: see [`output_to_controller`]).
pub fn output(port: u32) -> Action {
    Action::Output(OutputAction { port, max_len: 0 })
}
/// Output to the controller with the first `max_len` bytes
/// ([`CONTROLLER_MAX_LEN_NO_BUFFER`]: the whole packet, unbuffered).
pub fn output_to_controller(max_len: u16) -> Action {
    Action::Output(OutputAction { port: port::CONTROLLER, max_len })
}
pub fn set_field(field: OxmField) -> Action {
    Action::SetField(field)
}
pub fn push_vlan() -> Action {
    Action::PushVlan(eth_type::VLAN)
}
/// OFPIT_WRITE_METADATA.
pub fn write_metadata(metadata: u64, mask: u64) -> Instruction {
    Instruction::WriteMetadata(WriteMetadata { metadata: metadata.to_string(), mask: mask.to_string() })
}

/// What [`flow_mod`] sends. `Flow { priority: 1, ..Flow::default() }`: an add to
/// table 0, no timeouts, cookie 0.
#[derive(Clone, Debug)]
pub struct Flow {
    pub command: FlowModCommand,
    pub table_id: u8,
    pub priority: u16,
    pub match_fields: Vec<OxmField>,
    /// Shorthand for an apply-actions instruction placed before `instructions`.
    pub actions: Vec<Action>,
    pub instructions: Vec<Instruction>,
    /// Seconds (0: none).
    pub idle_timeout: u16,
    /// Seconds (0: none).
    pub hard_timeout: u16,
    pub cookie: u64,
    pub cookie_mask: u64,
    /// Apply the flow to this buffered packet too (a packet-in's `buffer_id`).
    pub buffer_id: Option<u32>,
    /// For deletes: only flows that output to this port / group.
    pub out_port: Option<u32>,
    pub out_group: Option<u32>,
    /// [`flow_mod_flags`] bits.
    pub flags: u16,
}

impl Default for Flow {
    fn default() -> Self {
        Flow {
            command: FlowModCommand::Add,
            table_id: 0,
            priority: 0,
            match_fields: Vec::new(),
            actions: Vec::new(),
            instructions: Vec::new(),
            idle_timeout: 0,
            hard_timeout: 0,
            cookie: 0,
            cookie_mask: 0,
            buffer_id: None,
            out_port: None,
            out_group: None,
            flags: 0,
        }
    }
}

/// OFPT_FLOW_MOD to switch `dpid`.
pub fn flow_mod(dpid: &str, flow: Flow) -> Command {
    let mut instructions = Vec::with_capacity(flow.instructions.len() + 1);
    if !flow.actions.is_empty() {
        instructions.push(Instruction::ApplyActions(flow.actions));
    }
    instructions.extend(flow.instructions);
    let body = FlowMod {
        cookie: flow.cookie.to_string(),
        cookie_mask: flow.cookie_mask.to_string(),
        table_id: flow.table_id,
        command: flow.command,
        idle_timeout: flow.idle_timeout,
        hard_timeout: flow.hard_timeout,
        priority: flow.priority,
        buffer_id: flow.buffer_id,
        out_port: flow.out_port,
        out_group: flow.out_group,
        flags: flow.flags,
        match_: flow.match_fields,
        instructions,
    };
    Command { dpid: dpid.to_owned(), body: CommandBody::FlowMod(body) }
}

/// OFPT_PACKET_OUT to switch `dpid`: the frame `data`, or the switch's buffered
/// packet `buffer_id` (then `data` is not sent); `in_port` `None` means CONTROLLER.
pub fn packet_out(dpid: &str, in_port: Option<u32>, buffer_id: u32, data: &[u8], actions: Vec<Action>) -> Command {
    let buffered = buffer_id != NO_BUFFER;
    let body = PacketOut { buffer_id: buffered.then_some(buffer_id), in_port, actions, data: if buffered { Vec::new() } else { data.to_vec() } };
    Command { dpid: dpid.to_owned(), body: CommandBody::PacketOut(body) }
}

/// Sends a packet-in's packet back out of its switch with `actions` (its buffer,
/// or its frame when unbuffered).
pub fn packet_out_of(packet: &PacketIn, actions: Vec<Action>) -> Command {
    packet_out(&packet.dpid, Some(packet.in_port), packet.buffer_id, &packet.data, actions)
}

/// OFPT_BARRIER_REQUEST: the switch confirms it processed everything sent before.
pub fn barrier(dpid: &str) -> Command {
    Command { dpid: dpid.to_owned(), body: CommandBody::Barrier }
}

/// A whole OpenFlow message (header included; the host sets version and xid).
pub fn raw(dpid: &str, message: Vec<u8>) -> Command {
    Command { dpid: dpid.to_owned(), body: CommandBody::Raw(message) }
}
