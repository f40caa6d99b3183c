import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { AppEventType } from './app-types.js';
import { EVENT_KINDS, WIT_WORLD_VERSIONS, witEventKindsOf, type EventKindRow, type NodeEventType, type SwitchEventType, type TopologyEventType } from './event-kinds.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

// AppEvent and the table name the same kinds: either one changing alone fails the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const appEventsAreTheTableSwitchKinds: Same<AppEventType, SwitchEventType | TopologyEventType | NodeEventType> = true;

/** The files that spell event kinds out by hand, by what the table's columns name in them. */
interface Sources {
  readonly proto: string;
  readonly wit: string;
  readonly sdkTs: string;
  readonly pythonEvents: string;
  readonly pythonFromProto: string;
  readonly pythonSubscription: string;
}

const FILES: { readonly [K in keyof Sources]: string } = {
  proto: 'proto/sdn/runtime/v1/events.proto',
  wit: 'wit/plugin.wit',
  sdkTs: 'sdk-ts/src/convert/events.ts',
  pythonEvents: 'sdk-python/src/sdn_runtime/events.py',
  pythonFromProto: 'sdk-python/src/sdn_runtime/_from_proto.py',
  pythonSubscription: 'sdk-python/src/sdn_runtime/subscription.py',
};

function readSources(): Sources {
  const out: Partial<Record<keyof Sources, string>> = {};
  for (const [key, path] of Object.entries(FILES)) out[key as keyof Sources] = readFileSync(`${REPO}${path}`, 'utf8');
  return out as Sources;
}

/** The text between `opening` and its closing brace (no nesting inside, as in these blocks). */
function block(text: string, opening: RegExp, file: string): string {
  const m = opening.exec(text);
  if (m === null) throw new Error(`${file}: no ${opening.source}`);
  const start = m.index + m[0].length;
  return text.slice(start, text.indexOf('}', start));
}

const camel = (snake: string): string => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Names each side has that the other lacks, as problem lines. */
function compare(where: string, table: readonly string[], found: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of table) if (!found.includes(name)) problems.push(`${where}: no ${name} (core/event-kinds.ts has it)`);
  for (const name of found) if (!table.includes(name)) problems.push(`${where}: ${name} is not in core/event-kinds.ts`);
  return problems;
}

/** Every place a kind must appear, checked against `rows`; empty when they agree. */
function problems(rows: readonly EventKindRow[], s: Sources): string[] {
  const api = rows.filter((r) => r.proto !== undefined);
  const out: string[] = [];
  // events.proto: the EventKind enum and the Event.body oneof (gap is a notice of the stream, not a kind).
  const enumNames = [...block(s.proto, /enum EventKind \{/, FILES.proto).matchAll(/(EVENT_KIND_\w+) = \d+;/g)].map((m) => m[1]!).filter((n) => n !== 'EVENT_KIND_UNSPECIFIED');
  out.push(...compare(`${FILES.proto} enum EventKind`, api.map((r) => r.proto!.kind), enumNames));
  const oneof = block(s.proto, /message Event \{[^}]*?oneof body \{/, FILES.proto);
  const fields = [...oneof.matchAll(/^\s*\w+ (\w+) = \d+;/gm)].map((m) => m[1]!).filter((n) => n !== 'gap');
  out.push(...compare(`${FILES.proto} Event.body`, api.map((r) => r.proto!.field), fields));
  // The WIT world's event variant.
  const cases = [...block(s.wit, /variant event \{/, FILES.wit).matchAll(/^\s*([\w-]+)\(/gm)].map((m) => m[1]!);
  out.push(...compare(`${FILES.wit} variant event`, rows.flatMap((r) => (r.wit === undefined ? [] : [r.wit])), cases));
  // The TS SDK: each kind's event type, its conversion from proto and its subscription kind.
  const tsTypes = [...s.sdkTs.matchAll(/readonly type: '(\w+)';/g)].map((m) => m[1]!).filter((n) => n !== 'gap');
  out.push(...compare(`${FILES.sdkTs} event types`, api.map((r) => r.sdkTs!), tsTypes));
  const fromProto = s.sdkTs.slice(s.sdkTs.indexOf('export function eventFromProto'));
  const tsCases = [...fromProto.matchAll(/case '(\w+)':/g)].map((m) => m[1]!).filter((n) => n !== 'gap');
  out.push(...compare(`${FILES.sdkTs} eventFromProto`, api.map((r) => camel(r.proto!.field)), tsCases));
  const tsKinds = [...block(s.sdkTs, /export const EVENT_KINDS[^=]*= \{/, FILES.sdkTs).matchAll(/^\s*(\w+): EventKind\.(\w+),/gm)].map((m) => `${m[1]}=${m[2]}`);
  out.push(...compare(`${FILES.sdkTs} EVENT_KINDS`, api.map((r) => `${r.sdkTs}=${r.proto!.kind}`), tsKinds));
  // The Python SDK: each kind's class in the Event union, its conversion and its subscription kind.
  const union = /^Event = (.*)$/m.exec(s.pythonEvents)?.[1] ?? '';
  const pyClasses = union.split('|').map((n) => n.trim()).filter((n) => n !== 'Gap' && n !== '');
  out.push(...compare(`${FILES.pythonEvents} Event`, api.map((r) => r.python!), pyClasses));
  const eventFn = s.pythonFromProto.slice(s.pythonFromProto.indexOf('def event('));
  const pyEventCases = [...eventFn.matchAll(/if kind == "(\w+)":/g)].map((m) => m[1]!).filter((n) => n !== 'gap');
  out.push(...compare(`${FILES.pythonFromProto} event()`, api.map((r) => r.proto!.field), pyEventCases));
  const pyKinds = [...block(s.pythonSubscription, /class EventKind\(enum\.IntEnum\):/, FILES.pythonSubscription).matchAll(/= ev\.(EVENT_KIND_\w+)/g)].map((m) => m[1]!);
  out.push(...compare(`${FILES.pythonSubscription} EventKind`, api.map((r) => r.proto!.kind), pyKinds));
  return out;
}

describe('the table of event kinds', () => {
  it('names the same kinds as AppEvent (checked by the build)', () => {
    assert.equal(appEventsAreTheTableSwitchKinds, true);
  });

  it('matches events.proto, the WIT world and both SDKs', () => {
    assert.deepEqual(problems(EVENT_KINDS, readSources()), []);
  });

  it('says which world version added each WIT case: the older worlds, kept frozen in wit/<version>/, have exactly the kinds up to theirs', () => {
    for (const version of WIT_WORLD_VERSIONS.slice(0, -1)) {
      const file = `wit/${version}/plugin.wit`;
      const text = readFileSync(`${REPO}${file}`, 'utf8');
      assert.match(text, new RegExp(`^package sdn:plugin@${version.replace(/\./g, '\\.')};$`, 'm'), file);
      const cases = [...block(text, /variant event \{/, file).matchAll(/^\s*([\w-]+)\(/gm)].map((m) => m[1]!);
      assert.deepEqual(new Set(cases), witEventKindsOf(version), `${file} against the witSince column`);
    }
    assert.match(readSources().wit, new RegExp(`^package sdn:plugin@${WIT_WORLD_VERSIONS.at(-1)!.replace(/\./g, '\\.')};$`, 'm'), 'wit/plugin.wit is the newest version');
  });

  it('gives each kind one name per column', () => {
    for (const column of ['type', 'wit', 'sdkTs', 'python'] as const) {
      const names = EVENT_KINDS.flatMap((r) => (r[column] === undefined ? [] : [r[column]]));
      assert.equal(new Set(names).size, names.length, `${column} names repeat`);
    }
  });

  // The check is only worth something if it notices a kind missing from one place.
  const removals: readonly [string, keyof Sources, RegExp][] = [
    ['the proto enum', 'proto', /^\s*EVENT_KIND_KV = 8;\n/m],
    ['the proto oneof', 'proto', /^\s*KvEvent kv = 17;\n/m],
    ['the WIT variant', 'wit', /^\s*kv-change\(kv-change\),\n/m],
    ['the TS SDK conversion', 'sdkTs', /^\s*case 'kv':[^\n]*\n/m],
    ['the TS SDK subscription kinds', 'sdkTs', /^\s*kvChange: EventKind\.EVENT_KIND_KV,\n/m],
    ['the Python SDK union', 'pythonEvents', / \| KvChange/],
    ['the Python SDK conversion', 'pythonFromProto', /^\s*if kind == "kv":\n[^\n]*\n/m],
    ['the Python SDK subscription kinds', 'pythonSubscription', /^\s*KV = ev\.EVENT_KIND_KV\n/m],
  ];
  for (const [place, file, pattern] of removals) {
    it(`fails when a kind is missing from ${place}`, () => {
      const sources = readSources();
      assert.match(sources[file], pattern, `${FILES[file]} no longer has what this test removes; update the pattern`);
      const found = problems(EVENT_KINDS, { ...sources, [file]: sources[file].replace(pattern, '') });
      assert.ok(found.length > 0 && found.every((p) => p.startsWith(FILES[file])), `expected problems in ${FILES[file]}, got ${JSON.stringify(found)}`);
    });
  }

  it('fails when the table has a kind no other place knows', () => {
    const extra: EventKindRow = { type: 'meterAlarm', source: 'switch', proto: { kind: 'EVENT_KIND_METER_ALARM', field: 'meter_alarm' }, wit: 'meter-alarm', witSince: '0.2.0', sdkTs: 'meterAlarm', python: 'MeterAlarm', delivery: 'lifecycle', byDefault: false };
    assert.equal(problems([...EVENT_KINDS, extra], readSources()).length, 9);
  });
});
