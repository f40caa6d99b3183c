import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeMessage } from '../openflow/index.js';
import { CompileCache } from './compile-cache.js';
import { GuestDataError } from './errors.js';
import { loadGlue, type Instantiate, type PluginExports } from './glue.js';
import { withHandWrittenHandle, type HandGlueExports } from './hand-glue.js';
import { ModuleCache } from './module-cache.js';
import { witEvent, type WorkerEvent } from './events-wire.js';
import type { PacketInFrame } from './packet-in-frame.js';
import { asJson, COMMANDS, events, IMPORTS, packetInMessages, switchDowns, TEXTS } from './testing/glue-corpus.js';
import { buildGuest } from './testing/guests.js';
import type { WitEvent } from './wit-types.js';

// The hand-written `handle` glue (hand-glue.ts) against jco's own glue, on the
// mirror test guest (every event comes back as text, every configured command
// as it was) and on a core `handle` replaced by one that returns malformed data.

/** The cases hand-glue-lower.ts lowers; the others go through jco's glue. */
const HAND_LOWERED = new Set<WitEvent['tag']>(['switch-up', 'switch-down', 'packet-in', 'port-status', 'flow-removed', 'switch-error', 'message', 'kv-change']);

/** The packet-ins of the corpus as the worker gets them: frames (packet-in-frame.ts), dpids from TEXTS. */
const frames = (i: number): PacketInFrame[] =>
  packetInMessages().map((m, k) => {
    // In the middle of a bigger buffer, as in the batch channel's area.
    const frame = encodeMessage(m);
    return { tag: 'packet-in-frame', dpid: TEXTS[(i + k) % TEXTS.length]!, bytes: Buffer.concat([Buffer.alloc(3, 0xee), frame, Buffer.alloc(5, 0xee)]), start: 3, end: 3 + frame.length };
  });
/** What jco's glue gets of a worker's batch. */
const wit = (batch: readonly WorkerEvent[]): unknown[] => batch.map(witEvent);

type CoreExports = Record<string, unknown>;
type CoreInstantiate = NonNullable<Parameters<Instantiate>[2]>;
/** Writes a return area into the guest's memory and returns its address, as a core `handle` would. */
type FakeReturn = (guest: Guest) => number;

/** Allocation and writes in a guest's memory from outside, for the fake returns. */
class Guest {
  constructor(
    private readonly exports: CoreExports,
    private readonly memory: WebAssembly.Memory,
  ) {}

  get size(): number {
    return this.memory.buffer.byteLength;
  }

  /** `bytes` copied into a fresh allocation; its address. */
  put(bytes: Uint8Array, align = 4): number {
    const ptr = (this.exports.cabi_realloc as (a: number, b: number, c: number, d: number) => number)(0, 0, align, Math.max(bytes.length, 1));
    new Uint8Array(this.memory.buffer).set(bytes, ptr);
    return ptr;
  }
}

/** The memory of the instance that exports `handle`: its own, or the one it imports (QuickJS). */
function memoryOf(exports: CoreExports, imports: object | undefined): WebAssembly.Memory {
  if (exports.memory instanceof WebAssembly.Memory) return exports.memory;
  const imported = Object.values(imports ?? {}).flatMap((namespace: object) => Object.values(namespace)).filter((v) => v instanceof WebAssembly.Memory);
  assert.equal(imported.length, 1, 'the handle instance imports one memory');
  return imported[0] as WebAssembly.Memory;
}

type Fields = readonly (readonly [offset: number, width: 1 | 4, value: number])[];

/** Little-endian fields into a byte array of `size`. */
function record(size: number, fields: Fields): Uint8Array {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  for (const [offset, width, value] of fields) {
    if (width === 1) view.setUint8(offset, value);
    else view.setUint32(offset, value, true);
  }
  return bytes;
}

/** A return area for `count` commands of 80 bytes each at `commands`. */
const area = (g: Guest, commands: number, count: number): number => g.put(record(8, [[0, 4, commands], [4, 4, count]]));
/** Commands of 80 bytes in one list, each with dpid `dpid` and the fields of one of `bodies` (offsets from the command's start); the list's address. */
function commands(g: Guest, bodies: readonly Fields[], dpid: Uint8Array = new TextEncoder().encode('ab')): number {
  const text = g.put(dpid, 1);
  return g.put(record(80 * bodies.length, bodies.flatMap((body, k): Fields => [[80 * k, 4, text], [80 * k + 4, 4, dpid.length], ...body.map(([at, width, value]) => [80 * k + at, width, value] as const)])));
}
const command = (g: Guest, body: Fields, dpid?: Uint8Array): number => commands(g, [body], dpid);
/** A packet-out (body discriminant 1; its actions list at 28) with one action of 64 bytes. */
const packetOutWith = (g: Guest, action: Uint8Array): number => command(g, [[8, 1, 1], [28, 4, g.put(action)], [32, 4, 1]]);

/** What a guest may return that the glue must refuse (jco's refuses each too). */
const MALFORMED: Record<string, FakeReturn> = {
  'a return area beyond the memory': () => 0xfffffff0,
  'a list of commands beyond the memory': (g) => area(g, g.size - 40, 1),
  'a list of commands longer than the memory': (g) => area(g, g.put(new Uint8Array(80)), 0x10000000),
  'a dpid string beyond the memory': (g) => area(g, g.put(record(80, [[0, 4, g.size - 2], [4, 4, 16], [8, 1, 2]])), 1),
  'a command-body discriminant no case has': (g) => area(g, command(g, [[8, 1, 9]]), 1),
  'a flow-mod-command no case has': (g) => area(g, command(g, [[8, 1, 0], [29, 1, 7]]), 1),
  'an option discriminant of 2': (g) => area(g, command(g, [[8, 1, 1], [12, 1, 2]]), 1),
  'an action discriminant no case has': (g) => area(g, packetOutWith(g, record(64, [[0, 1, 99]])), 1),
  'an oxm-value discriminant no case has': (g) => area(g, command(g, [[8, 1, 0], [64, 4, g.put(record(36, [[8, 1, 5]]))], [68, 4, 1]]), 1),
  'an nx-flow-spec-type no case has': (g) => area(g, packetOutWith(g, record(64, [[0, 1, 22], [28, 4, g.put(record(44, [[0, 1, 3]]))], [32, 4, 1]])), 1),
  'a set-field string beyond the memory': (g) => area(g, packetOutWith(g, record(64, [[0, 1, 13], [4, 4, g.size], [8, 4, 1]])), 1),
};

/** What a guest may return that both glues accept, with the same value. */
const ACCEPTED: Record<string, FakeReturn> = {
  'no commands, at an address beyond the memory': (g) => area(g, 0xffffff00, 0),
  'invalid UTF-8 in a dpid': (g) => area(g, command(g, [[8, 1, 2]], new Uint8Array([0xff, 0x61, 0xc3])), 1),
  'invalid UTF-8 in a dpid of 16 bytes': (g) => area(g, command(g, [[8, 1, 2]], new Uint8Array([0x30, 0x30, 0xc3, 0x28, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0xed, 0xa0])), 1),
  'a barrier, then a packet-out with an output action': (g) => {
    const output = g.put(record(64, [[0, 1, 0], [4, 4, 3], [8, 4, 0xffff]]));
    return area(g, commands(g, [[[8, 1, 2]], [[8, 1, 1], [12, 1, 1], [16, 4, 7], [28, 4, output], [32, 4, 1]]]), 2);
  },
};

describe('hand-written handle glue: against jco’s', () => {
  let dir: string;
  let glue: string;
  let modules: ReadonlyMap<string, WebAssembly.Module>;
  /** The core `handle` and post-return replaced by `fake` when one is set. */
  let fake: FakeReturn | undefined;
  /** The memory of every core instance made, latest last. */
  const memories: WebAssembly.Memory[] = [];
  const faking: CoreInstantiate = async (module, imports) => {
    const { exports } = await WebAssembly.instantiate(module, imports);
    if (typeof exports.handle !== 'function') return { exports };
    const memory = memoryOf(exports, imports);
    memories.push(memory);
    const real = exports.handle as (events: number, count: number) => number;
    const realPost = exports.cabi_post_handle as ((ret: number) => void) | undefined;
    const guest = new Guest(exports, memory);
    const faked: CoreExports = { ...exports, handle: (ptr: number, count: number) => (fake === undefined ? real(ptr, count) : fake(guest)) };
    // A fake return area is not the guest's to free.
    if (realPost !== undefined) faked.cabi_post_handle = (ret: number) => (fake === undefined ? realPost(ret) : undefined);
    return { exports: faked };
  };
  const jco = async (config: object = { commands: COMMANDS }): Promise<PluginExports> => {
    const instance = await (new Function('importMetaUrl', glue)('file:///test/') as Instantiate)(async (name) => modules.get(name)!, IMPORTS, faking);
    instance.initialize(asJson(config));
    return instance;
  };
  const hand = async (config: object = { commands: COMMANDS }, world: '0.1.0' | '0.2.0' = '0.2.0'): Promise<HandGlueExports> => {
    const instance = await withHandWrittenHandle(loadGlue(glue), world)(async (name) => modules.get(name)!, IMPORTS, faking);
    instance.initialize(asJson(config));
    return instance;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-hand-glue-test-'));
    const compiled = await new CompileCache(dir).compile('mirror', await buildGuest('mirror'));
    glue = readFileSync(join(compiled.dir, 'glue.js'), 'utf8');
    // 256 MiB: far more than the guest needs.
    modules = new Map(await new ModuleCache().modules('mirror', compiled, 4096));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every batch of the hand-lowered cases without jco’s handle, and returns what jco’s returns', async () => {
    const [expected, actual] = [await jco(), await hand()];
    assert.equal(actual.jcoOnly, undefined);
    for (let i = 0; i < TEXTS.length; i++) {
      const batch = events(i).filter((e) => HAND_LOWERED.has(e.tag));
      assert.equal(asJson(actual.handle(batch)), asJson(expected.handle(batch)), `batch ${i}`);
    }
    assert.equal(asJson(actual.handle([])), asJson(COMMANDS), 'the commands come back as configured');
    assert.equal(actual.jcoBatches, 0);
  });

  it('lowers packet-ins from the frames the switch sent as jco’s glue lowers their decoded values', async () => {
    const [expected, actual] = [await jco(), await hand()];
    for (let i = 0; i < TEXTS.length; i++) {
      const batch: WorkerEvent[] = [...frames(i), ...events(i).filter((e) => HAND_LOWERED.has(e.tag)), ...frames(i + 1)];
      assert.equal(asJson(actual.handle(batch)), asJson(expected.handle(wit(batch))), `batch ${i}`);
    }
    assert.equal(actual.jcoBatches, 0);
  });

  it('sends a batch with a topology or role event through jco’s handle, with the same result', async () => {
    const [expected, actual] = [await jco(), await hand()];
    for (let i = 0; i < TEXTS.length; i++) {
      const batch: WorkerEvent[] = [...events(i), ...frames(i)];
      assert.equal(asJson(actual.handle(batch)), asJson(expected.handle(wit(batch))), `batch ${i}`);
    }
    assert.equal(actual.jcoBatches, TEXTS.length);
  });

  it('leaves a 0.1.0 component to jco’s glue: its layout differs', async () => {
    const actual = await hand({ commands: COMMANDS }, '0.1.0');
    assert.match(actual.jcoOnly ?? '', /0\.1\.0/);
    const expected = await jco();
    const batch: WorkerEvent[] = [...switchDowns(), ...frames(0)];
    assert.equal(asJson(actual.handle(batch)), asJson(expected.handle(wit(batch))));
  });

  it('refreshes its view of the memory when an allocation grows it mid-batch', async () => {
    const [expected, actual] = [await jco({ commands: [], echo: 'dpid' }), await hand({ commands: [], echo: 'dpid' })];
    const memory = memories.at(-1)!;
    const big = new Uint8Array(8 << 20).map((_, k) => k & 0xff);
    const bigPacketIn: WitEvent = { tag: 'packet-in', val: { dpid: 'big', bufferId: 0, totalLen: 0, reason: 0, tableId: 0, cookie: '0', inPort: 1, match: [], data: big } };
    const batch: WitEvent[] = [...switchDowns(), bigPacketIn, { tag: 'switch-down', val: { dpid: 'after', reason: 'grown' } }];
    const size = memory.buffer.byteLength;
    const returned = actual.handle(batch);
    assert.ok(memory.buffer.byteLength > size, 'the batch did not grow the memory');
    assert.equal(asJson(returned), asJson(expected.handle(batch)));
  });

  for (const [name, make] of Object.entries(MALFORMED)) {
    it(`refuses ${name} as jco’s glue does, with an error the worker reports as a fault`, async () => {
      const [expected, actual] = [await jco(), await hand()];
      fake = make;
      try {
        assert.throws(() => expected.handle([]), `jco’s glue accepts ${name}`);
        assert.throws(
          () => actual.handle([]),
          (err: unknown) => err instanceof GuestDataError || err instanceof RangeError,
        );
      } finally {
        fake = undefined;
      }
    });
  }

  it('refuses a list<u8> reaching beyond the memory, which jco’s glue cuts short (the canonical ABI traps)', async () => {
    const [expected, actual] = [await jco(), await hand()];
    fake = (g) => area(g, command(g, [[8, 1, 1], [36, 4, g.size - 2], [40, 4, 16]]), 1);
    try {
      const cut = expected.handle([]) as { body: { val: { data: Uint8Array } } }[];
      assert.equal(cut[0]!.body.val.data.length, 2);
      assert.throws(() => actual.handle([]), GuestDataError);
    } finally {
      fake = undefined;
    }
  });

  for (const [name, make] of Object.entries(ACCEPTED)) {
    it(`accepts ${name} as jco’s glue does, with the same value`, async () => {
      const [expected, actual] = [await jco(), await hand()];
      fake = make;
      try {
        assert.equal(asJson(actual.handle([])), asJson(expected.handle([])));
      } finally {
        fake = undefined;
      }
    });
  }
});
