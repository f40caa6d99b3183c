import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OFPCR_ROLE_SLAVE, OFP_VERSION_1_3 } from './constants.js';
import { OfpDecodeError } from './errors.js';
import { ONF_EXPERIMENTER_ID } from './oxm-fields.js';
import { OFPCRR_MASTER_REQUEST, ONF_ROLE_STATUS_BODY_SIZE, ONFT_ROLE_STATUS, onfRoleStatus } from './role-status.js';

function experimenter(experimenter: number, expType: number, hex: string) {
  return { type: 'Experimenter', version: OFP_VERSION_1_3, xid: 0, experimenter, expType, data: Uint8Array.from(Buffer.from(hex, 'hex')) } as const;
}

describe('onfRoleStatus (ONF extension 1911, as Open vSwitch sends it on OpenFlow 1.3)', () => {
  it('reads role, reason and generation id', () => {
    // role SLAVE, reason MASTER_REQUEST, pad, generation 0x0102030405060708
    const body = '00000003' + '00' + '000000' + '0102030405060708';
    assert.equal(body.length / 2, ONF_ROLE_STATUS_BODY_SIZE);
    assert.deepEqual(onfRoleStatus(experimenter(ONF_EXPERIMENTER_ID, ONFT_ROLE_STATUS, body)), { role: OFPCR_ROLE_SLAVE, reason: OFPCRR_MASTER_REQUEST, generationId: 0x0102030405060708n });
  });

  it('another experimenter message is not a role status', () => {
    assert.equal(onfRoleStatus(experimenter(0x2320, ONFT_ROLE_STATUS, '')), undefined);
    assert.equal(onfRoleStatus(experimenter(ONF_EXPERIMENTER_ID, 1910, '')), undefined);
  });

  it('a body of the wrong size is a decode error, not a guess', () => {
    assert.throws(() => onfRoleStatus(experimenter(ONF_EXPERIMENTER_ID, ONFT_ROLE_STATUS, '00000003')), OfpDecodeError);
  });
});
