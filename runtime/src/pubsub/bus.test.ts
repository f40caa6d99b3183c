import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InProcessBus } from './bus.js';
import { PubSubError } from './errors.js';
import { parsePattern, parseSubject } from './subject.js';
import type { PubSubMessage } from './types.js';

function message(subject: string, payload = ''): PubSubMessage {
  return { subject, payload: Buffer.from(payload), headers: {} };
}

function failsWith(fn: () => unknown, code: string, text: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof PubSubError && error.code === code && text.test(error.message));
}

/** The obvious matcher the trie must agree with. */
function referenceMatch(pattern: readonly string[], subject: readonly string[]): boolean {
  if (pattern.length === 0) return subject.length === 0;
  const [head, ...rest] = pattern;
  if (head === '>') return subject.length >= 1;
  if (subject.length === 0) return false;
  return (head === '*' || head === subject[0]) && referenceMatch(rest, subject.slice(1));
}

describe('subjects and patterns', () => {
  it('accepts well-formed ones', () => {
    assert.deepEqual(parseSubject('topology.links'), ['topology', 'links']);
    assert.deepEqual(parseSubject('a'), ['a']);
    assert.deepEqual(parseSubject('app-1.sw_2.x:y'), ['app-1', 'sw_2', 'x:y']);
    assert.deepEqual(parsePattern('topology.*'), ['topology', '*']);
    assert.deepEqual(parsePattern('*.links.>'), ['*', 'links', '>']);
    assert.deepEqual(parsePattern('>'), ['>']);
  });

  it('rejects subjects with empty tokens, wildcards or whitespace', () => {
    failsWith(() => parseSubject(''), 'PUBSUB_SUBJECT', /subject is empty/);
    failsWith(() => parseSubject('a..b'), 'PUBSUB_SUBJECT', /"a..b": token 1 is empty/);
    failsWith(() => parseSubject('.a'), 'PUBSUB_SUBJECT', /token 0 is empty/);
    failsWith(() => parseSubject('a.'), 'PUBSUB_SUBJECT', /token 1 is empty/);
    failsWith(() => parseSubject('a.*'), 'PUBSUB_SUBJECT', /token 1 "\*" contains "\*" \(a subject has no wildcards\)/);
    failsWith(() => parseSubject('a.>'), 'PUBSUB_SUBJECT', /token 1 ">" contains ">"/);
    failsWith(() => parseSubject('a b'), 'PUBSUB_SUBJECT', /token 0 "a b" contains " "/);
    failsWith(() => parseSubject('a.\tb'), 'PUBSUB_SUBJECT', /token 1/);
  });

  it('rejects patterns with empty tokens, ">" before the end, or wildcards inside a token', () => {
    failsWith(() => parsePattern(''), 'PUBSUB_PATTERN', /pattern is empty/);
    failsWith(() => parsePattern('a.>.b'), 'PUBSUB_PATTERN', /"a.>.b": token 1 is ">", which may only be the last token/);
    failsWith(() => parsePattern('>.>'), 'PUBSUB_PATTERN', /token 0 is ">"/);
    failsWith(() => parsePattern('a*.b'), 'PUBSUB_PATTERN', /token 0 "a\*" contains "\*" \(wildcards are whole tokens\)/);
    failsWith(() => parsePattern('a.b>'), 'PUBSUB_PATTERN', /token 1 "b>" contains ">"/);
    failsWith(() => parsePattern('a..*'), 'PUBSUB_PATTERN', /token 1 is empty/);
  });

  it('the bus applies them: publish and subscribe throw and change nothing', () => {
    const bus = new InProcessBus();
    failsWith(() => bus.publish(message('a.*')), 'PUBSUB_SUBJECT', /a subject has no wildcards/);
    failsWith(() => bus.subscribe(['ok.>', 'bad..x'], () => {}), 'PUBSUB_PATTERN', /"bad..x": token 1 is empty/);
    failsWith(() => bus.subscribe([], () => {}), 'PUBSUB_PATTERN', /no pattern/);
    assert.ok(bus.isEmpty);
  });
});

describe('InProcessBus matching', () => {
  const token = fc.constantFrom('a', 'b', 'c');
  const subjectArb = fc.array(token, { minLength: 1, maxLength: 4 });
  const patternArb = fc
    .tuple(fc.array(fc.oneof(token, fc.constant('*')), { minLength: 0, maxLength: 4 }), fc.boolean())
    .filter(([tokens, rest]) => tokens.length > 0 || rest)
    .map(([tokens, rest]) => (rest ? [...tokens, '>'] : tokens));

  it('agrees with a reference matcher, through subscribes and unsubscribes', () => {
    fc.assert(
      fc.property(fc.array(patternArb, { minLength: 1, maxLength: 12 }), fc.array(subjectArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (patterns, subjects, removals) => {
        const bus = new InProcessBus();
        const received = patterns.map(() => [] as string[]);
        const subscriptions = patterns.map((p, i) => bus.subscribe(p.join('.'), (m) => received[i]?.push(m.subject)));
        const live = new Set(patterns.keys());
        for (const r of removals) {
          const index = r % patterns.length;
          subscriptions[index]?.unsubscribe();
          live.delete(index);
        }
        for (const subject of subjects) {
          const expected = [...live].filter((i) => referenceMatch(patterns[i] ?? [], subject)).length;
          assert.equal(bus.publish(message(subject.join('.'))), expected, `${subject.join('.')} against ${patterns.map((p) => p.join('.')).join(' ')}`);
        }
        patterns.forEach((pattern, i) => {
          const expected = live.has(i) ? subjects.filter((s) => referenceMatch(pattern, s)).map((s) => s.join('.')) : [];
          assert.deepEqual(received[i], expected, `pattern ${pattern.join('.')}`);
        });
        for (const s of subscriptions) s.unsubscribe();
        assert.ok(bus.isEmpty, 'every trie node is pruned once all subscriptions are gone');
      }),
      { numRuns: 500 },
    );
  });

  it('a subscription with several matching patterns gets a message once', () => {
    const bus = new InProcessBus();
    const got: string[] = [];
    const subscription = bus.subscribe(['topology.>', 'topology.links', '*.links'], (m) => got.push(m.subject));
    assert.equal(bus.publish(message('topology.links')), 1);
    assert.equal(bus.publish(message('stats.links')), 1);
    assert.equal(bus.publish(message('stats.ports')), 0);
    assert.deepEqual(got, ['topology.links', 'stats.links']);
    subscription.unsubscribe();
    subscription.unsubscribe();
    assert.equal(bus.publish(message('topology.links')), 0);
    assert.ok(bus.isEmpty);
  });

  it('">" needs at least one more token', () => {
    const bus = new InProcessBus();
    bus.subscribe('a.>', () => {});
    assert.equal(bus.publish(message('a')), 0);
    assert.equal(bus.publish(message('a.b')), 1);
    assert.equal(bus.publish(message('a.b.c.d')), 1);
  });
});

describe('InProcessBus delivery', () => {
  it('a publish from inside a handler is delivered after the current message, so every subscriber sees publish order', () => {
    const bus = new InProcessBus();
    const first: string[] = [];
    const second: string[] = [];
    bus.subscribe('e.>', (m) => {
      first.push(m.subject);
      if (m.subject === 'e.1') assert.equal(bus.publish(message('e.2')), 2);
    });
    bus.subscribe('e.>', (m) => second.push(m.subject));
    bus.publish(message('e.1'));
    assert.deepEqual(first, ['e.1', 'e.2']);
    assert.deepEqual(second, ['e.1', 'e.2']);
  });

  it('a handler that throws does not stop delivery to the others and is reported', () => {
    const errors: string[] = [];
    const bus = new InProcessBus({ onHandlerError: (e, m) => errors.push(`${(e as Error).message} on ${m.subject}`) });
    const got: string[] = [];
    bus.subscribe('t', () => {
      throw new Error('bug');
    });
    bus.subscribe('t', (m) => got.push(m.subject));
    assert.equal(bus.publish(message('t')), 2);
    assert.equal(bus.publish(message('t')), 2);
    assert.deepEqual(got, ['t', 't']);
    assert.deepEqual(errors, ['bug on t', 'bug on t']);
  });

  it('unsubscribing during a delivery stops it for later messages and for the current one if not yet reached', () => {
    const bus = new InProcessBus();
    const got: string[] = [];
    const holder: { later?: { unsubscribe(): void } } = {};
    bus.subscribe('u', () => holder.later?.unsubscribe());
    holder.later = bus.subscribe('u', (m) => got.push(m.subject));
    bus.publish(message('u'));
    assert.deepEqual(got, []);
  });

  it('a subscription made during a delivery starts with the next message', () => {
    const bus = new InProcessBus();
    const got: string[] = [];
    bus.subscribe('s.*', (m) => {
      if (m.subject === 's.1') bus.subscribe('s.*', (n) => got.push(n.subject));
    });
    bus.publish(message('s.1'));
    bus.publish(message('s.2'));
    assert.deepEqual(got, ['s.2']);
  });
});
