/**
 * OpenFlow constants shared by every part of the codec, named and grouped as in the
 * OpenFlow 1.3.5 specification (section numbers in the headings). Constants that
 * belong to one structure (action types, OXM fields, multipart types, ...) live
 * next to the code for that structure.
 */

// ofp_header.version
export const OFP_VERSION_1_0 = 0x01;
export const OFP_VERSION_1_3 = 0x04;
export const OFP_VERSION_1_4 = 0x05;
export const OFP_VERSION_1_5 = 0x06;

/** Wire version byte to the name users see ("1.3"). */
export const OFP_VERSION_NAMES: Readonly<Record<number, string>> = {
  [OFP_VERSION_1_0]: '1.0',
  0x02: '1.1',
  0x03: '1.2',
  [OFP_VERSION_1_3]: '1.3',
  [OFP_VERSION_1_4]: '1.4',
  [OFP_VERSION_1_5]: '1.5',
};

/** sizeof(struct ofp_header). */
export const OFP_HEADER_SIZE = 8;
/** The largest message the 16-bit length field allows. */
export const OFP_MAX_MESSAGE_SIZE = 0xffff;

// 7.1 enum ofp_type (1.3 numbering; 1.0 agrees on 0..6)
export const OFPT_HELLO = 0;
export const OFPT_ERROR = 1;
export const OFPT_ECHO_REQUEST = 2;
export const OFPT_ECHO_REPLY = 3;
export const OFPT_EXPERIMENTER = 4;
export const OFPT_FEATURES_REQUEST = 5;
export const OFPT_FEATURES_REPLY = 6;
export const OFPT_GET_CONFIG_REQUEST = 7;
export const OFPT_GET_CONFIG_REPLY = 8;
export const OFPT_SET_CONFIG = 9;
export const OFPT_PACKET_IN = 10;
export const OFPT_FLOW_REMOVED = 11;
export const OFPT_PORT_STATUS = 12;
export const OFPT_PACKET_OUT = 13;
export const OFPT_FLOW_MOD = 14;
export const OFPT_GROUP_MOD = 15;
export const OFPT_PORT_MOD = 16;
export const OFPT_TABLE_MOD = 17;
export const OFPT_MULTIPART_REQUEST = 18;
export const OFPT_MULTIPART_REPLY = 19;
export const OFPT_BARRIER_REQUEST = 20;
export const OFPT_BARRIER_REPLY = 21;
export const OFPT_QUEUE_GET_CONFIG_REQUEST = 22;
export const OFPT_QUEUE_GET_CONFIG_REPLY = 23;
export const OFPT_ROLE_REQUEST = 24;
export const OFPT_ROLE_REPLY = 25;
export const OFPT_GET_ASYNC_REQUEST = 26;
export const OFPT_GET_ASYNC_REPLY = 27;
export const OFPT_SET_ASYNC = 28;
export const OFPT_METER_MOD = 29;

// 7.2.1 enum ofp_port_no (reserved ports)
export const OFPP_MAX = 0xffffff00;
export const OFPP_IN_PORT = 0xfffffff8;
export const OFPP_TABLE = 0xfffffff9;
export const OFPP_NORMAL = 0xfffffffa;
export const OFPP_FLOOD = 0xfffffffb;
export const OFPP_ALL = 0xfffffffc;
export const OFPP_CONTROLLER = 0xfffffffd;
export const OFPP_LOCAL = 0xfffffffe;
export const OFPP_ANY = 0xffffffff;

// 7.2.5 enum ofp_controller_max_len
export const OFPCML_MAX = 0xffe5;
export const OFPCML_NO_BUFFER = 0xffff;

// 7.3.4.1 buffer id meaning "no buffer"
export const OFP_NO_BUFFER = 0xffffffff;

// 7.3.4.2 enum ofp_group
export const OFPG_MAX = 0xffffff00;
export const OFPG_ALL = 0xfffffffc;
export const OFPG_ANY = 0xffffffff;

// 7.2.3 enum ofp_table
export const OFPTT_MAX = 0xfe;
export const OFPTT_ALL = 0xff;

// 7.3.4.4 enum ofp_meter
export const OFPM_MAX = 0xffff0000;
export const OFPM_SLOWPATH = 0xfffffffd;
export const OFPM_CONTROLLER = 0xfffffffe;
export const OFPM_ALL = 0xffffffff;

// 7.5.1 enum ofp_hello_elem_type
export const OFPHET_VERSIONBITMAP = 1;

// 7.4.4 enum ofp_error_type
export const OFPET_HELLO_FAILED = 0;
export const OFPET_BAD_REQUEST = 1;
export const OFPET_BAD_ACTION = 2;
export const OFPET_BAD_INSTRUCTION = 3;
export const OFPET_BAD_MATCH = 4;
export const OFPET_FLOW_MOD_FAILED = 5;
export const OFPET_GROUP_MOD_FAILED = 6;
export const OFPET_PORT_MOD_FAILED = 7;
export const OFPET_TABLE_MOD_FAILED = 8;
export const OFPET_QUEUE_OP_FAILED = 9;
export const OFPET_SWITCH_CONFIG_FAILED = 10;
export const OFPET_ROLE_REQUEST_FAILED = 11;
export const OFPET_METER_MOD_FAILED = 12;
export const OFPET_TABLE_FEATURES_FAILED = 13;
export const OFPET_EXPERIMENTER = 0xffff;

// 7.4.4 enum ofp_hello_failed_code
export const OFPHFC_INCOMPATIBLE = 0;
export const OFPHFC_EPERM = 1;

// 7.4.4 enum ofp_bad_request_code
export const OFPBRC_BAD_VERSION = 0;
export const OFPBRC_BAD_TYPE = 1;
export const OFPBRC_BAD_MULTIPART = 2;
export const OFPBRC_BAD_EXPERIMENTER = 3;
export const OFPBRC_BAD_EXP_TYPE = 4;
export const OFPBRC_EPERM = 5;
export const OFPBRC_BAD_LEN = 6;
export const OFPBRC_BUFFER_EMPTY = 7;
export const OFPBRC_BUFFER_UNKNOWN = 8;
export const OFPBRC_BAD_TABLE_ID = 9;
export const OFPBRC_IS_SLAVE = 10;
export const OFPBRC_BAD_PORT = 11;
export const OFPBRC_BAD_PACKET = 12;
export const OFPBRC_MULTIPART_BUFFER_OVERFLOW = 13;

// 7.4.4 enum ofp_role_request_failed_code
export const OFPRRFC_STALE = 0;
export const OFPRRFC_UNSUP = 1;
export const OFPRRFC_BAD_ROLE = 2;

// 7.3.9 enum ofp_controller_role
export const OFPCR_ROLE_NOCHANGE = 0;
export const OFPCR_ROLE_EQUAL = 1;
export const OFPCR_ROLE_MASTER = 2;
export const OFPCR_ROLE_SLAVE = 3;

// 7.3.2 enum ofp_config_flags
export const OFPC_FRAG_NORMAL = 0;
export const OFPC_FRAG_DROP = 1;
export const OFPC_FRAG_REASM = 2;

// 7.4.1 enum ofp_packet_in_reason
export const OFPR_NO_MATCH = 0;
export const OFPR_ACTION = 1;
export const OFPR_INVALID_TTL = 2;

// 7.3.4.1 enum ofp_flow_mod_command
export const OFPFC_ADD = 0;
export const OFPFC_MODIFY = 1;
export const OFPFC_MODIFY_STRICT = 2;
export const OFPFC_DELETE = 3;
export const OFPFC_DELETE_STRICT = 4;

// 7.3.4.1 enum ofp_flow_mod_flags
export const OFPFF_SEND_FLOW_REM = 1 << 0;
export const OFPFF_CHECK_OVERLAP = 1 << 1;
export const OFPFF_RESET_COUNTS = 1 << 2;
export const OFPFF_NO_PKT_COUNTS = 1 << 3;
export const OFPFF_NO_BYT_COUNTS = 1 << 4;

// 7.4.2 enum ofp_flow_removed_reason
export const OFPRR_IDLE_TIMEOUT = 0;
export const OFPRR_HARD_TIMEOUT = 1;
export const OFPRR_DELETE = 2;
export const OFPRR_GROUP_DELETE = 3;

// 7.4.3 enum ofp_port_reason
export const OFPPR_ADD = 0;
export const OFPPR_DELETE = 1;
export const OFPPR_MODIFY = 2;

// 7.3.5 enum ofp_multipart_request_flags / ofp_multipart_reply_flags
export const OFPMPF_REQ_MORE = 1;
export const OFPMPF_REPLY_MORE = 1;
