/**
 * OpenFlow 1.3 reserved numbers under readable names, with the spec's name in
 * each comment. Values are the wire values.
 */

/** enum ofp_port_no: reserved ports. */
export const Port = {
  /** OFPP_MAX: the highest number of a physical or logical port. */
  MAX: 0xffffff00,
  /** OFPP_IN_PORT: send back out of the port the packet came in on. */
  IN_PORT: 0xfffffff8,
  /** OFPP_TABLE: run the packet-out through the flow table. */
  TABLE: 0xfffffff9,
  /** OFPP_NORMAL: the switch's own L2/L3 processing. */
  NORMAL: 0xfffffffa,
  /** OFPP_FLOOD: every port but the in port and ports with flooding off. */
  FLOOD: 0xfffffffb,
  /** OFPP_ALL: every port but the in port. */
  ALL: 0xfffffffc,
  /** OFPP_CONTROLLER: to the controller as a packet-in. */
  CONTROLLER: 0xfffffffd,
  /** OFPP_LOCAL: the switch's local networking stack. */
  LOCAL: 0xfffffffe,
  /** OFPP_ANY: no port (wildcard in deletes and stats). */
  ANY: 0xffffffff,
} as const;

/** enum ofp_group. */
export const Group = {
  /** OFPG_MAX. */
  MAX: 0xffffff00,
  /** OFPG_ALL: every group (group delete, group stats). */
  ALL: 0xfffffffc,
  /** OFPG_ANY: no group (wildcard). */
  ANY: 0xffffffff,
} as const;

/** enum ofp_table. */
export const Table = {
  /** OFPTT_MAX: the highest table id. */
  MAX: 0xfe,
  /** OFPTT_ALL: every table (flow deletes and stats). */
  ALL: 0xff,
} as const;

/** enum ofp_meter. */
export const Meter = {
  /** OFPM_MAX. */
  MAX: 0xffff0000,
  /** OFPM_SLOWPATH. */
  SLOWPATH: 0xfffffffd,
  /** OFPM_CONTROLLER. */
  CONTROLLER: 0xfffffffe,
  /** OFPM_ALL. */
  ALL: 0xffffffff,
} as const;

/** OFP_NO_BUFFER: the packet is not buffered on the switch (the data travels in full). */
export const NO_BUFFER = 0xffffffff;

/** OFPCML_NO_BUFFER: send the whole packet to the controller (output action max_len). */
export const CONTROLLER_MAX_LEN_NO_BUFFER = 0xffff;

/** enum ofp_flow_mod_flags. */
export const FlowModFlags = {
  SEND_FLOW_REM: 1 << 0,
  CHECK_OVERLAP: 1 << 1,
  RESET_COUNTS: 1 << 2,
  NO_PKT_COUNTS: 1 << 3,
  NO_BYT_COUNTS: 1 << 4,
} as const;

/** Ethertypes the SDK's builders and packet library name. */
export const EthType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MULTICAST: 0x8848,
  QINQ: 0x88a8,
  PBB: 0x88e7,
  LLDP: 0x88cc,
} as const;

/** IP protocol numbers (ip_proto). */
export const IpProto = {
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
  SCTP: 132,
} as const;

/**
 * Bits of Open vSwitch's ct_state match field (CS_* in ovs-fields(7)), for
 * `match().ctState(value, mask)`: a bit in the mask and the value must be set
 * ("+trk"), in the mask only must be clear ("-trk").
 */
export const CtState = {
  NEW: 0x01,
  ESTABLISHED: 0x02,
  RELATED: 0x04,
  REPLY_DIR: 0x08,
  INVALID: 0x10,
  TRACKED: 0x20,
  SRC_NAT: 0x40,
  DST_NAT: 0x80,
} as const;

/** NX_CT_F_* flags of `actions.nxCt({ flags })`. */
export const NxCtFlags = {
  /** Commit the connection to the connection tracker (it then is "established" for its replies). */
  COMMIT: 1 << 0,
  /** Commit, replacing a connection tracked in the other direction. */
  FORCE: 1 << 1,
} as const;

/** enum ofp_packet_in_reason. */
export const PacketInReason = {
  NO_MATCH: 0,
  ACTION: 1,
  INVALID_TTL: 2,
} as const;

/** enum ofp_port_reason. */
export const PortReason = {
  ADD: 0,
  DELETE: 1,
  MODIFY: 2,
} as const;

/** enum ofp_flow_removed_reason. */
export const FlowRemovedReason = {
  IDLE_TIMEOUT: 0,
  HARD_TIMEOUT: 1,
  DELETE: 2,
  GROUP_DELETE: 3,
} as const;
