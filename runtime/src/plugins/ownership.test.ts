import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OFPFC_DELETE, OFPR_ACTION, OFPR_NO_MATCH, type OfpMessage } from '../openflow/index.js';
import { APP_ID_MASK, appCookie, NO_COOKIE, preferredAppId } from '../ownership/index.js';
import type { FakeSwitch } from '../testing/fake-switch.js';
import { buildGuest, writePlugin } from './testing/guests.js';
import { packetIn, startPluginRig, type PluginRig } from './testing/harness.js';

// A plugin is an app like any other (docs/apps-sharing-a-switch.md): it gets the
// packet-ins of its own flows and table misses, not those of another app's
// flows, and unloading it deletes its flows. It never sees another app's cookie
// bits: the packet-in reaches the worker as the switch's frame, and the cookie
// in it is the one the plugin is shown (packet-in-frame.ts).

type PacketOut = Extract<OfpMessage, { type: 'PacketOut' }>;
const isPacketOut = (m: OfpMessage): m is PacketOut => m.type === 'PacketOut';
const seqOf = (m: PacketOut): number => Buffer.from(m.data).readUInt32BE(14);
const NAME = 'echo';

describe('a plugin owns its flows', () => {
  let rig: PluginRig;
  let sw: FakeSwitch;
  before(async () => {
    const guest = await buildGuest('echo');
    rig = await startPluginRig();
    sw = await rig.connect(0x9n);
    await rig.manager.load(writePlugin(join(rig.dir, NAME), { name: NAME, version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: 2000 }, config: { outPort: 2, logCookies: true } }, guest));
  });
  after(async () => {
    await rig.stop();
  });

  /** Sends `message` and then a table miss carrying `marker`; resolves with the seqs the plugin answered up to the marker's answer. */
  const answeredUntil = async (message: OfpMessage, marker: number): Promise<number[]> => {
    sw.send(message);
    sw.send(packetIn(marker));
    const seqs: number[] = [];
    for (;;) {
      const m = await sw.waitFor(isPacketOut, 20_000);
      if (!isPacketOut(m)) continue;
      seqs.push(seqOf(m));
      if (seqOf(m) === marker) return seqs;
    }
  };
  const withCause = (seq: number, reason: number, cookie: bigint): OfpMessage => ({ ...(packetIn(seq) as Extract<OfpMessage, { type: 'PacketIn' }>), reason, cookie });

  it('gets the packet-ins of its own flows and table misses, not those of another app\'s flows', async () => {
    assert.deepEqual(await answeredUntil(withCause(1, OFPR_ACTION, appCookie(preferredAppId('someone-else'), 7n)), 2), [2], 'another app\'s packet-in is not the plugin\'s');
    assert.deepEqual(await answeredUntil(withCause(3, OFPR_ACTION, appCookie(preferredAppId(NAME), 7n)), 4), [3, 4]);
    assert.deepEqual(await answeredUntil(withCause(5, OFPR_NO_MATCH, appCookie(preferredAppId('someone-else'), 0n)), 6), [5, 6], 'a table miss, whoever installed the table-miss flow');
  });

  it('is shown the cookies of its own flows without its app id, and never another app\'s cookie bits', async () => {
    /** The cookies the guest logged, from the `logged` th line on. */
    const cookies = (from: number): string[] => rig.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('cookie ')).slice(from).map((l) => (l.msg as string).slice('cookie '.length));
    const before = cookies(0).length;
    const other = preferredAppId('someone-else');
    const own = preferredAppId(NAME);
    assert.deepEqual(await answeredUntil(withCause(11, OFPR_ACTION, appCookie(own, 0xabcn)), 12), [11, 12]);
    assert.deepEqual(await answeredUntil(withCause(13, OFPR_NO_MATCH, appCookie(other, 0x5678n)), 14), [13, 14]);
    assert.deepEqual(await answeredUntil(withCause(15, OFPR_NO_MATCH, appCookie(own, 0x9n)), 16), [15, 16]);
    // The guest's log lines come with its batch's outputs, before its answers.
    assert.deepEqual(cookies(before), [String(0xabc), '0', NO_COOKIE.toString(), '0', '9', '0']);
  });

  it('has its flows deleted when it is unloaded: one delete confined to its app id', async () => {
    await rig.manager.unload(NAME);
    const del = await sw.waitFor((m) => m.type === 'FlowMod' && m.command === OFPFC_DELETE, 20_000);
    assert.ok(del.type === 'FlowMod');
    assert.deepEqual([del.cookie, del.cookieMask & APP_ID_MASK], [appCookie(preferredAppId(NAME), 0n), APP_ID_MASK]);
  });
});
