// Test guest: misbehaves as `config.mode` says, on every batch.
import { publish } from 'sdn:plugin/pubsub@0.2.0';
import { get, put } from 'sdn:plugin/kv@0.2.0';
import { send } from 'sdn:plugin/openflow@0.2.0';
import { log } from 'sdn:plugin/log@0.2.0';

let mode = 'none';

// QuickJS has no TextEncoder: ASCII by hand.
const ascii = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const fromAscii = (bytes) => String.fromCharCode(...bytes);

function packetOut(dpid, port) {
  return { dpid, body: { tag: 'packet-out', val: { bufferId: undefined, inPort: undefined, actions: [{ tag: 'output', val: { port, maxLen: 0 } }], data: new Uint8Array(14) } } };
}

export function initialize(config) {
  mode = JSON.parse(config).mode;
  if (mode === 'init-fail') throw new Error('refusing to start');
}

export function handle(events) {
  const dpid = events.length > 0 && 'dpid' in events[0].val ? events[0].val.dpid : '0000000000000000';
  switch (mode) {
    case 'loop':
      for (;;) {
        // Spin until the host terminates the worker.
      }
    case 'trap':
      throw new Error('boom');
    case 'bomb': {
      const hoard = [];
      for (;;) hoard.push(new Uint8Array(1 << 20).fill(1));
    }
    case 'flood':
      return Array.from({ length: 10000 }, () => packetOut(dpid, 1));
    case 'invalid':
      return [
        { dpid: 'not-a-dpid', body: { tag: 'barrier' } },
        { dpid, body: { tag: 'flow-mod', val: { cookie: 'abc', cookieMask: '0', tableId: 0, command: 'add', idleTimeout: 0, hardTimeout: 0, priority: 1, bufferId: undefined, outPort: undefined, outGroup: undefined, flags: 0, match: [], instructions: [] } } },
        { dpid, body: { tag: 'flow-mod', val: { cookie: '1', cookieMask: '0', tableId: 0, command: 'add', idleTimeout: 0, hardTimeout: 0, priority: 1, bufferId: undefined, outPort: undefined, outGroup: undefined, flags: 0, match: [{ field: 'no_such_field', value: { tag: 'uint', val: 1 }, mask: undefined }], instructions: [] } } },
        { dpid, body: { tag: 'raw', val: new Uint8Array([4, 0, 0]) } },
        packetOut(dpid, 7),
      ];
    case 'ungranted': {
      const denied = [];
      for (const call of [() => publish('a.b', new Uint8Array(1)), () => put(new Uint8Array(1), new Uint8Array(1)), () => send([packetOut(dpid, 1)])]) {
        try {
          call();
        } catch (e) {
          denied.push(e.payload.tag);
        }
      }
      log('warn', `denied: ${denied.join(',')}`);
      return [];
    }
    case 'kv': {
      const key = ascii('plugins/kv/count');
      const old = get(key);
      // componentize-qjs gives an absent option as null.
      const next = (old === undefined || old === null ? 0 : Number(fromAscii(old))) + events.length;
      put(key, ascii(String(next)));
      send([packetOut(dpid, next)]);
      return [];
    }
    case 'kv-scope': {
      // One put outside the manifest's kvPrefixes (refused), one inside.
      let outside = 'written';
      try {
        put(ascii('elsewhere/x'), ascii('1'));
      } catch (e) {
        outside = e.payload.tag;
      }
      put(ascii('plugins/boxed/x'), ascii('1'));
      log('warn', `kv outside: ${outside}`);
      return [];
    }
    case 'chatty':
      // More lines than one call may log, each longer than a line may be.
      for (let i = 0; i < 1000; i++) log('info', `${i} ${'x'.repeat(5000)}`);
      return [];
    default:
      return [];
  }
}
