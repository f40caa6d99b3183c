import type { Experimenter } from './messages.js';
import { ONF_EXPERIMENTER_ID } from './oxm-fields.js';
import { Reader } from './reader.js';

/** ONF extension 1911 (EXT-191): OpenFlow 1.4's ROLE_STATUS carried on 1.3 as an experimenter message, as Open vSwitch sends it. */
export const ONFT_ROLE_STATUS = 1911;

// OpenFlow 1.4 7.4.4 enum ofp_controller_role_reason (the same values in ONF's extension)
export const OFPCRR_MASTER_REQUEST = 0;
export const OFPCRR_CONFIG = 1;
export const OFPCRR_EXPERIMENTER = 2;

/** sizeof(struct onf_role_status) after the experimenter header: role u32, reason u8, pad[3], generation_id u64. */
export const ONF_ROLE_STATUS_BODY_SIZE = 16;

/** A switch telling a controller its role changed (another controller became master, or the switch's configuration did it). */
export interface RoleStatus {
  readonly role: number;
  readonly reason: number;
  readonly generationId: bigint;
}

/**
 * The ROLE_STATUS an OpenFlow 1.3 experimenter message carries, or undefined
 * when it is another experimenter message.
 * @throws OfpDecodeError when it is ONF's ROLE_STATUS with a body of the wrong size.
 */
export function onfRoleStatus(message: Experimenter): RoleStatus | undefined {
  if (message.experimenter !== ONF_EXPERIMENTER_ID || message.expType !== ONFT_ROLE_STATUS) return undefined;
  const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
  const r = new Reader(data, 0, data.length, 'OnfRoleStatus');
  if (data.length !== ONF_ROLE_STATUS_BODY_SIZE) r.fail('body', `${data.length} bytes, expected ${ONF_ROLE_STATUS_BODY_SIZE}`);
  const role = r.u32('role');
  const reason = r.u8('reason');
  r.pad(3);
  const generationId = r.u64('generationId');
  return { role, reason, generationId };
}
