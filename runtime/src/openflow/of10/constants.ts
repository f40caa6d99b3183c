/**
 * OpenFlow 1.0.0 constants whose numbers differ from 1.3, grouped under the spec's
 * enum headings (section numbers of the 1.0.0 spec). Suffixed `_10` where 1.3 uses
 * the same name for another number.
 */

// 5.1 enum ofp_type
export const OFPT_VENDOR_10 = 4;
export const OFPT_PORT_MOD_10 = 15;
export const OFPT_STATS_REQUEST_10 = 16;
export const OFPT_STATS_REPLY_10 = 17;
export const OFPT_BARRIER_REQUEST_10 = 18;
export const OFPT_BARRIER_REPLY_10 = 19;
export const OFPT_QUEUE_GET_CONFIG_REQUEST_10 = 20;
export const OFPT_QUEUE_GET_CONFIG_REPLY_10 = 21;

// 5.2.1 enum ofp_port: port numbers are 16 bits
export const OFPP_MAX_10 = 0xff00;
export const OFPP_IN_PORT_10 = 0xfff8;
export const OFPP_TABLE_10 = 0xfff9;
export const OFPP_NORMAL_10 = 0xfffa;
export const OFPP_FLOOD_10 = 0xfffb;
export const OFPP_ALL_10 = 0xfffc;
export const OFPP_CONTROLLER_10 = 0xfffd;
export const OFPP_LOCAL_10 = 0xfffe;
export const OFPP_NONE_10 = 0xffff;

// 5.2.3 enum ofp_action_type
export const OFPAT10_OUTPUT = 0;
export const OFPAT10_SET_VLAN_VID = 1;
export const OFPAT10_SET_VLAN_PCP = 2;
export const OFPAT10_STRIP_VLAN = 3;
export const OFPAT10_SET_DL_SRC = 4;
export const OFPAT10_SET_DL_DST = 5;
export const OFPAT10_SET_NW_SRC = 6;
export const OFPAT10_SET_NW_DST = 7;
export const OFPAT10_SET_NW_TOS = 8;
export const OFPAT10_SET_TP_SRC = 9;
export const OFPAT10_SET_TP_DST = 10;
export const OFPAT10_ENQUEUE = 11;
export const OFPAT10_VENDOR = 0xffff;

// 5.2.3 enum ofp_flow_wildcards
export const OFPFW_IN_PORT = 1 << 0;
export const OFPFW_DL_VLAN = 1 << 1;
export const OFPFW_DL_SRC = 1 << 2;
export const OFPFW_DL_DST = 1 << 3;
export const OFPFW_DL_TYPE = 1 << 4;
export const OFPFW_NW_PROTO = 1 << 5;
export const OFPFW_TP_SRC = 1 << 6;
export const OFPFW_TP_DST = 1 << 7;
export const OFPFW_NW_SRC_SHIFT = 8;
export const OFPFW_NW_SRC_MASK = 0x3f << OFPFW_NW_SRC_SHIFT;
export const OFPFW_NW_SRC_ALL = 32 << OFPFW_NW_SRC_SHIFT;
export const OFPFW_NW_DST_SHIFT = 14;
export const OFPFW_NW_DST_MASK = 0x3f << OFPFW_NW_DST_SHIFT;
export const OFPFW_NW_DST_ALL = 32 << OFPFW_NW_DST_SHIFT;
export const OFPFW_DL_VLAN_PCP = 1 << 20;
export const OFPFW_NW_TOS = 1 << 21;
export const OFPFW_ALL = (1 << 22) - 1;

// 5.3.5 enum ofp_stats_types
export const OFPST_DESC = 0;
export const OFPST_FLOW = 1;
export const OFPST_AGGREGATE = 2;
export const OFPST_TABLE = 3;
export const OFPST_PORT = 4;
export const OFPST_QUEUE = 5;
export const OFPST_VENDOR = 0xffff;

// 5.2.2 enum ofp_queue_properties
export const OFPQT_NONE_10 = 0;
export const OFPQT_MIN_RATE_10 = 1;

// ---------------------------------------------------------------- struct sizes (header included for messages)

export const OFP_MATCH_10_SIZE = 40;
export const OFP_ACTION_HEADER_10_SIZE = 8;
export const OFP_ACTION_OUTPUT_10_SIZE = 8;
export const OFP_ACTION_DL_ADDR_10_SIZE = 16;
export const OFP_ACTION_ENQUEUE_10_SIZE = 16;
export const OFP_ACTION_VENDOR_HEADER_10_SIZE = 8;
export const OFP_PACKET_IN_10_SIZE = 18;
export const OFP_PACKET_OUT_10_SIZE = 16;
export const OFP_FLOW_MOD_10_SIZE = 72;
export const OFP_FLOW_REMOVED_10_SIZE = 88;
export const OFP_PORT_STATUS_10_SIZE = 64;
export const OFP_PORT_MOD_10_SIZE = 32;
export const OFP_VENDOR_HEADER_10_SIZE = 12;
export const OFP_STATS_MSG_10_SIZE = 12;
export const OFP_FLOW_STATS_REQUEST_10_SIZE = 44;
export const OFP_FLOW_STATS_10_SIZE = 88;
export const OFP_AGGREGATE_STATS_REPLY_10_SIZE = 24;
export const OFP_TABLE_STATS_10_SIZE = 64;
export const OFP_PORT_STATS_REQUEST_10_SIZE = 8;
export const OFP_PORT_STATS_10_SIZE = 104;
export const OFP_QUEUE_STATS_REQUEST_10_SIZE = 8;
export const OFP_QUEUE_STATS_10_SIZE = 32;
export const OFP_QUEUE_GET_CONFIG_REQUEST_10_SIZE = 12;
export const OFP_QUEUE_GET_CONFIG_REPLY_10_SIZE = 16;
export const OFP_PACKET_QUEUE_10_SIZE = 8;
export const OFP_QUEUE_PROP_HEADER_10_SIZE = 8;
export const OFP_QUEUE_PROP_MIN_RATE_10_SIZE = 16;
/** OFP_MAX_TABLE_NAME_LEN. */
export const OFP_MAX_TABLE_NAME_LEN = 32;
