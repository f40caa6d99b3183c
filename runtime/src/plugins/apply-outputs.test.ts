import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { Command, SwitchDirectory, SwitchHandle } from '../core/index.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import { encodeMessage, type OfpMessage } from '../openflow/index.js';
import { applyOutputs } from './apply-outputs.js';
import { PluginLogGate } from './log-gate.js';
import type { PluginManifest } from './manifest.js';
import { emptyCounters } from './status.js';
import { emptyTrailer, type Outputs } from './wire.js';

/** A switch of `version` that records what reaches it: values in `sent`, encoded messages in `encoded`, barriers counted. */
function recordingSwitch(dpid: bigint, version: number): SwitchHandle & { sent: Command[]; encoded: Buffer[]; barriers: number } {
  const sw = {
    dpid,
    node: 0,
    version,
    sent: [] as Command[],
    encoded: [] as Buffer[],
    barriers: 0,
    send: (c: Command) => void sw.sent.push(c),
    sendEncoded: (m: Buffer) => void sw.encoded.push(m),
    sendConfirmed: () => Promise.resolve(),
    request: () => Promise.resolve([]),
    barrier: () => {
      sw.barriers++;
      return Promise.resolve();
    },
  };
  return sw;
}

/** A command as the worker hands it over: OpenFlow 1.3 bytes, xid 0. */
const wire = (c: Command): Buffer => encodeMessage({ ...c, version: 4, xid: 0 } as OfpMessage);
const packetOut = (port: number): Command => ({ type: 'PacketOut', bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port, maxLen: 0 }], data: Buffer.from([port]) });

function apply(switches: readonly SwitchHandle[], commands: Outputs['commands'], manifest: Pick<PluginManifest, 'capabilities' | 'switches'>): string[] {
  const problems: string[] = [];
  const metrics = new RuntimeMetrics();
  const directory: SwitchDirectory = { lookup: (dpid) => switches.find((s) => s.dpid === dpid), view: () => undefined, list: () => [], role: () => undefined };
  const logs = new PluginLogGate('p', pino({ level: 'silent' }), metrics.plugins.logLinesDropped, { linesPerSecond: 10, burst: 10 }, 0);
  const outputs: Outputs = { ...emptyTrailer(), commands };
  applyOutputs('p', manifest, outputs, { switches: directory, publish: () => {} }, emptyCounters(), metrics.plugins, logs, (cause) => problems.push(cause));
  return problems;
}

describe("applying a plugin's outputs", () => {
  it('hands a command to a 1.3 switch as its bytes, to a 1.0 switch as the decoded value, and a barrier as a barrier', () => {
    const v13 = recordingSwitch(1n, 4);
    const v10 = recordingSwitch(2n, 1);
    const bytes = wire(packetOut(2));
    const problems = apply(
      [v13, v10],
      [
        { dpid: 1n, message: bytes },
        { dpid: 2n, message: wire(packetOut(3)) },
        { dpid: 1n, message: wire({ type: 'BarrierRequest' }) },
      ],
      { capabilities: new Set(['openflow']), switches: undefined },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual([v13.encoded, v13.sent, v13.barriers], [[bytes], [], 1]);
    assert.deepEqual([v10.encoded, v10.sent.map((c) => c.type === 'PacketOut' && c.actions)], [[], [[{ type: 'output', port: 3, maxLen: 0 }]]]);
  });

  it('still checks encoded commands against the manifest: none without openflow, none to a switch it does not list', () => {
    const sw = recordingSwitch(1n, 4);
    assert.deepEqual(apply([sw], [{ dpid: 1n, message: wire(packetOut(2)) }], { capabilities: new Set(), switches: undefined }), ['denied:openflow']);
    assert.deepEqual(apply([sw], [{ dpid: 1n, message: wire(packetOut(2)) }], { capabilities: new Set(['openflow']), switches: new Set([9n]) }), ['denied:switch']);
    assert.deepEqual([sw.encoded, sw.sent], [[], []]);
  });
});
