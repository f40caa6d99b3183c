import { OFPET_EXPERIMENTER, type ErrorExperimenterMsg, type ErrorMsg } from '../../openflow/index.js';
import type { OpenFlowError } from '../../generated/sdn/runtime/v1/openflow.js';
import { asBuffer } from './validate.js';

/**
 * OFPT_ERROR as the API reports it, with the spec's names for its type and code
 * (OpenFlow 1.3.5 7.4.4) so a log line or CLI output says
 * "OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ" instead of "4/9".
 */

/** [type name, code prefix, code names in code order] by OFPET_* number. */
const ERROR_TYPES: readonly (readonly [string, string, readonly string[]])[] = [
  ['HELLO_FAILED', 'OFPHFC', ['INCOMPATIBLE', 'EPERM']],
  ['BAD_REQUEST', 'OFPBRC', ['BAD_VERSION', 'BAD_TYPE', 'BAD_MULTIPART', 'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'EPERM', 'BAD_LEN', 'BUFFER_EMPTY', 'BUFFER_UNKNOWN', 'BAD_TABLE_ID', 'IS_SLAVE', 'BAD_PORT', 'BAD_PACKET', 'MULTIPART_BUFFER_OVERFLOW']],
  ['BAD_ACTION', 'OFPBAC', ['BAD_TYPE', 'BAD_LEN', 'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'BAD_OUT_PORT', 'BAD_ARGUMENT', 'EPERM', 'TOO_MANY', 'BAD_QUEUE', 'BAD_OUT_GROUP', 'MATCH_INCONSISTENT', 'UNSUPPORTED_ORDER', 'BAD_TAG', 'BAD_SET_TYPE', 'BAD_SET_LEN', 'BAD_SET_ARGUMENT']],
  ['BAD_INSTRUCTION', 'OFPBIC', ['UNKNOWN_INST', 'UNSUP_INST', 'BAD_TABLE_ID', 'UNSUP_METADATA', 'UNSUP_METADATA_MASK', 'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'BAD_LEN', 'EPERM']],
  ['BAD_MATCH', 'OFPBMC', ['BAD_TYPE', 'BAD_LEN', 'BAD_TAG', 'BAD_DL_ADDR_MASK', 'BAD_NW_ADDR_MASK', 'BAD_WILDCARDS', 'BAD_FIELD', 'BAD_VALUE', 'BAD_MASK', 'BAD_PREREQ', 'DUP_FIELD', 'EPERM']],
  ['FLOW_MOD_FAILED', 'OFPFMFC', ['UNKNOWN', 'TABLE_FULL', 'BAD_TABLE_ID', 'OVERLAP', 'EPERM', 'BAD_TIMEOUT', 'BAD_COMMAND', 'BAD_FLAGS']],
  ['GROUP_MOD_FAILED', 'OFPGMFC', ['GROUP_EXISTS', 'INVALID_GROUP', 'WEIGHT_UNSUPPORTED', 'OUT_OF_GROUPS', 'OUT_OF_BUCKETS', 'CHAINING_UNSUPPORTED', 'WATCH_UNSUPPORTED', 'LOOP', 'UNKNOWN_GROUP', 'CHAINED_GROUP', 'BAD_TYPE', 'BAD_COMMAND', 'BAD_BUCKET', 'BAD_WATCH', 'EPERM']],
  ['PORT_MOD_FAILED', 'OFPPMFC', ['BAD_PORT', 'BAD_HW_ADDR', 'BAD_CONFIG', 'BAD_ADVERTISE', 'EPERM']],
  ['TABLE_MOD_FAILED', 'OFPTMFC', ['BAD_TABLE', 'BAD_CONFIG', 'EPERM']],
  ['QUEUE_OP_FAILED', 'OFPQOFC', ['BAD_PORT', 'BAD_QUEUE', 'EPERM']],
  ['SWITCH_CONFIG_FAILED', 'OFPSCFC', ['BAD_FLAGS', 'BAD_LEN', 'EPERM']],
  ['ROLE_REQUEST_FAILED', 'OFPRRFC', ['STALE', 'UNSUP', 'BAD_ROLE']],
  ['METER_MOD_FAILED', 'OFPMMFC', ['UNKNOWN', 'METER_EXISTS', 'INVALID_METER', 'UNKNOWN_METER', 'BAD_COMMAND', 'BAD_FLAGS', 'BAD_RATE', 'BAD_BURST', 'BAD_BAND', 'BAD_BAND_VALUE', 'OUT_OF_METERS', 'OUT_OF_BANDS']],
  ['TABLE_FEATURES_FAILED', 'OFPTFFC', ['BAD_TABLE', 'BAD_METADATA', 'BAD_TYPE', 'BAD_LEN', 'BAD_ARGUMENT', 'EPERM']],
];

/** "OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ"; numbers where the spec has no name. */
export function describeOpenFlowError(type: number, code: number): string {
  const entry = ERROR_TYPES[type];
  if (entry === undefined) return `error type ${type} code ${code}`;
  const [name, prefix, codes] = entry;
  const codeName = codes[code];
  return `OFPET_${name}/${codeName === undefined ? `code ${code}` : `${prefix}_${codeName}`}`;
}

/** A decoded OFPT_ERROR as the proto's OpenFlowError. */
export function fromErrorMessage(e: ErrorMsg | ErrorExperimenterMsg): OpenFlowError {
  if (e.type === 'ErrorExperimenter') {
    return {
      type: OFPET_EXPERIMENTER,
      code: 0,
      experimenter: e.experimenter,
      expType: e.expType,
      data: asBuffer(e.data),
      description: `OFPET_EXPERIMENTER experimenter 0x${e.experimenter.toString(16).padStart(8, '0')} exp_type ${e.expType}`,
    };
  }
  return { type: e.errorType, code: e.code, experimenter: 0, expType: 0, data: asBuffer(e.data), description: describeOpenFlowError(e.errorType, e.code) };
}
