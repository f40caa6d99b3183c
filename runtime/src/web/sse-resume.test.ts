import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLog } from '../core/index.js';
import { formatEventId, parseEventId, planResume, sseMessage } from './sse-resume.js';

function logWith(capacity: number, events: number): EventLog<number> {
  const log = new EventLog<number>(capacity);
  for (let i = 0; i < events; i++) log.append((seq) => seq);
  return log;
}

describe('planResume', () => {
  it('starts with the next event when the client names none', () => {
    assert.deepEqual(planResume(undefined, 'r1', logWith(10, 4)), { kind: 'replay', afterSeq: 4 });
  });

  it('replays from the id of the same run while the log still holds the next event', () => {
    const log = logWith(10, 15); // holds 6..15
    assert.deepEqual(planResume(formatEventId('r1', 5), 'r1', log), { kind: 'replay', afterSeq: 5 });
    assert.deepEqual(planResume('r1.15', 'r1', log), { kind: 'replay', afterSeq: 15 });
    assert.deepEqual(
      log.readAfter(5).entries.map((e) => e.seq),
      [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    );
  });

  it('asks for a reload when events after the id fell out of the log', () => {
    const plan = planResume('r1.4', 'r1', logWith(10, 15));
    assert.equal(plan.kind, 'reload');
    assert.match(plan.kind === 'reload' ? plan.reason : '', /too far behind: events 5 to 5 fell out/);
  });

  it('asks for a reload for an id of another run, one ahead of the log, or a malformed one', () => {
    const log = logWith(10, 3);
    assert.match(JSON.stringify(planResume('r0.2', 'r1', log)), /restarted/);
    assert.match(JSON.stringify(planResume('r1.9', 'r1', log)), /ahead of the newest event 3/);
    for (const bad of ['r1', 'r1.', 'r1.-1', 'R1.2', `${'a'.repeat(33)}.1`, 'r1.1234567890123456']) assert.match(JSON.stringify(planResume(bad, 'r1', log)), /malformed event id/, bad);
  });

  it('parses what it formats', () => {
    assert.deepEqual(parseEventId(formatEventId('k3x9', 42)), { run: 'k3x9', seq: 42 });
  });
});

describe('sseMessage', () => {
  it('writes id, event and one data line, dpids as 16 hex digits', () => {
    assert.equal(sseMessage('linkUp', { dpid: 0xabn, n: 5n, s: 'a\nb' }, 'r1.7'), 'id: r1.7\nevent: linkUp\ndata: {"dpid":"00000000000000ab","n":"5","s":"a\\nb"}\n\n');
    assert.equal(sseMessage('stats', {}), 'event: stats\ndata: {}\n\n');
  });
});
