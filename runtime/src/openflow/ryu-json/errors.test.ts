import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRyuDocument, fromRyuJson, OfpJsonError, parseRyuJson, type RyuJson, stringifyRyuJson, toRyuDocument } from './index.js';

/** Bad JSON is an OfpJsonError (code OFP_JSON) whose path names the offending value. */

const h = { version: 4, xid: 1 };

function rejects(json: RyuJson | string, path: string, detail: RegExp, header = h): void {
  const value = typeof json === 'string' ? parseRyuJson(json) : json;
  assert.throws(
    () => fromRyuJson(value, header),
    (err: unknown) => {
      assert.ok(err instanceof OfpJsonError, `expected OfpJsonError, got ${String(err)}`);
      assert.equal(err.code, 'OFP_JSON');
      assert.equal(err.path, path);
      assert.match(err.message, detail);
      return true;
    },
  );
}

const output = (port: RyuJson, extra: Record<string, RyuJson> = {}): RyuJson => ({ OFPActionOutput: { port, max_len: 0xffe5, ...extra } });
const flowMod = (actions: RyuJson[], matchFields: RyuJson[] = []): string =>
  stringifyRyuJson({
    OFPFlowMod: {
      cookie: 0, cookie_mask: 0, table_id: 0, command: 0, idle_timeout: 0, hard_timeout: 0, priority: 1, buffer_id: 0xffffffff,
      out_port: 0xffffffff, out_group: 0xffffffff, flags: 0,
      match: { OFPMatch: { oxm_fields: matchFields } },
      instructions: [{ OFPInstructionActions: { type: 4, actions } }],
    },
  });
const actionPath = '$.OFPFlowMod.instructions[0].OFPInstructionActions.actions[0]';

describe('parseRyuJson', () => {
  it('keeps integers above 2^53 exact as bigint and the rest as number', () => {
    assert.deepEqual(parseRyuJson('{"a": 18446744073709551615, "b": 9007199254740991, "c": 9007199254740993}'), {
      a: 18446744073709551615n,
      b: 9007199254740991,
      c: 9007199254740993n,
    });
    assert.equal(stringifyRyuJson({ a: 18446744073709551615n }), '{"a":18446744073709551615}');
  });

  it('reports text that is not JSON at $', () => {
    assert.throws(() => parseRyuJson('{"OFPHello": '), (err: unknown) => err instanceof OfpJsonError && err.path === '$');
  });
});

describe('fromRyuJson errors name the JSON path', () => {
  it('unknown class, missing key, unexpected key', () => {
    rejects({ OFPHelo: {} }, '$', /unknown message class OFPHelo/);
    rejects({ OFPEchoRequest: {} }, '$.OFPEchoRequest', /missing key "data"/);
    rejects({ OFPEchoRequest: { data: '', dta: '' } }, '$.OFPEchoRequest.dta', /unexpected key "dta"/);
    rejects({ OFPHello: {}, OFPEchoRequest: {} }, '$', /one class name key, got 2/);
  });

  it('integers out of range, negative, fractional or of the wrong kind', () => {
    rejects(flowMod([output(0x100000000)]), `${actionPath}.OFPActionOutput.port`, /unsigned 32-bit integer/);
    rejects(flowMod([output(-1)]), `${actionPath}.OFPActionOutput.port`, /unsigned 32-bit/);
    rejects(flowMod([output(1.5)]), `${actionPath}.OFPActionOutput.port`, /unsigned 32-bit/);
    rejects(flowMod([output('1')]), `${actionPath}.OFPActionOutput.port`, /unsigned 32-bit/);
    rejects({ OFPRoleRequest: { role: 1, generation_id: 18446744073709551616n } }, '$.OFPRoleRequest.generation_id', /unsigned 64-bit/);
  });

  it('derived fields that disagree with the structure', () => {
    rejects(flowMod([output(1, { len: 8 })]), `${actionPath}.OFPActionOutput.len`, /is 8 but the structure encodes to 16/);
    rejects(flowMod([output(1, { type: 1 })]), `${actionPath}.OFPActionOutput.type`, /is 1 but the structure encodes to 0/);
    const badMatch = stringifyRyuJson({ OFPMatch: { oxm_fields: [], length: 8, type: 1 } });
    rejects(flowMod([]).replace('{"OFPMatch":{"oxm_fields":[]}}', badMatch), '$.OFPFlowMod.match.OFPMatch.length', /is 8 but the structure encodes to 4/);
  });

  it('bytes, addresses and OXM fields', () => {
    rejects({ OFPEchoRequest: { data: 'not base64!' } }, '$.OFPEchoRequest.data', /base64/);
    rejects(
      { OFPPortMod: { port_no: 1, hw_addr: '00:11:22:33:44', config: 0, mask: 0, advertise: 0 } },
      '$.OFPPortMod.hw_addr',
      /MAC address/,
    );
    const tlv = (field: string, value: RyuJson): RyuJson => ({ OXMTlv: { field, value, mask: null } });
    const field0 = '$.OFPFlowMod.match.OFPMatch.oxm_fields[0].OXMTlv';
    rejects(flowMod([], [tlv('ipv4_src', '10.0.0.256')]), `${field0}.value`, /IPv4 address/);
    rejects(flowMod([], [tlv('ipv6_dst', 'fe80:::1')]), `${field0}.value`, /IPv6 address/);
    rejects(flowMod([], [tlv('eth_typ', 1)]), `${field0}.field`, /unknown OXM field "eth_typ"/);
    rejects(flowMod([], [tlv('vlan_pcp', 8.5)]), `${field0}.value`, /unsigned 8-bit/);
  });

  it('Nicira actions: a missing attribute, a wrong derived field, a bad field name, an unknown class', () => {
    rejects(flowMod([{ NXActionLearn: { subtype: 16 } }]), `${actionPath}.NXActionLearn`, /missing key "idle_timeout"/);
    const resubmit = (extra: Record<string, RyuJson>): RyuJson => ({ NXActionResubmitTable: { in_port: 1, table_id: 2, ...extra } });
    rejects(flowMod([resubmit({ subtype: 1 })]), `${actionPath}.NXActionResubmitTable.subtype`, /encodes to 14/);
    rejects(flowMod([resubmit({ len: 24 })]), `${actionPath}.NXActionResubmitTable.len`, /encodes to 16/);
    rejects(
      flowMod([{ NXActionRegLoad: { ofs_nbits: 31, dst: 'no_such_field', value: 1 } }]),
      `${actionPath}.NXActionRegLoad.dst`,
      /not a field with a 4-byte NXM\/OXM header/,
    );
    rejects(flowMod([{ NXActionFoo: {} }]), actionPath, /unknown action class NXActionFoo/);
  });

  it("a packet-library frame this form does not model, or whose length lies", () => {
    const eth = { ethernet: { dst: '00:00:00:00:00:01', src: '00:00:00:00:00:02', ethertype: 2054 } };
    const packetOut = (protocols: RyuJson[]): RyuJson => ({
      OFPPacketOut: { buffer_id: 0xffffffff, in_port: 0xfffffffd, actions: [], data: { Packet: { protocols } } },
    });
    rejects(packetOut([eth]), '$.OFPPacketOut.data.Packet.protocols', /only Ethernet \/ IPv4 \/ ICMP echo/);
    const ip = {
      ipv4: {
        version: 4, header_length: 5, tos: 0, total_length: 99, identification: 0, flags: 0, offset: 0, ttl: 64, proto: 1, csum: 0,
        src: '10.0.0.1', dst: '10.0.0.2', option: null,
      },
    };
    const icmp = { icmp: { type: 8, code: 0, csum: 0, data: { echo: { id: 1, seq: 2, data: '' } } } };
    const ipv4Eth = { ethernet: { ...eth.ethernet, ethertype: 2048 } };
    rejects(packetOut([ipv4Eth, ip, icmp]), '$.OFPPacketOut.data.Packet.protocols[1].ipv4.total_length', /is 99 but the packet is 28 bytes/);
  });

  it('messages not modelled for a version', () => {
    rejects({ OFPBarrierRequest: {} }, '$', /OFPBarrierRequest is not modelled for OpenFlow 1\.4; give it as OFPMessageUnknown/, { version: 5, xid: 0 });
    rejects({ OFPVendor: { vendor: 1, data: '' } }, '$', /unknown message class OFPVendor/, { version: 4, xid: 0 });
    rejects({ OFPErrorMsg: { type: 1, code: 1, data: '' } }, '$', /not modelled for OpenFlow 1\.1/, { version: 2, xid: 0 });
  });

  it('an experimenter error with a code', () => {
    rejects({ OFPErrorMsg: { type: 65535, code: 3, exp_type: 1, experimenter: 2, data: '' } }, '$.OFPErrorMsg.code', /has no code/);
  });
});

describe('documents with header keys', () => {
  it('carry version and xid, else take the defaults', () => {
    const msg = { type: 'EchoRequest', version: 5, xid: 77, data: Buffer.from('hi') } as const;
    const doc = toRyuDocument(msg);
    assert.deepEqual(Object.keys(doc), ['version', 'xid', 'OFPEchoRequest']);
    assert.deepStrictEqual(fromRyuDocument(doc, { version: 4, xid: 0 }), msg);
    assert.deepStrictEqual(fromRyuDocument({ OFPEchoRequest: { data: 'aGk=' } }, { version: 5, xid: 77 }), msg);
  });

  it('reject a header value out of range, naming the document path', () => {
    assert.throws(() => fromRyuDocument({ version: 256, OFPEchoRequest: { data: '' } }, h, '$[3]'), (err: unknown) => err instanceof OfpJsonError && err.path === '$[3].version');
  });
});
