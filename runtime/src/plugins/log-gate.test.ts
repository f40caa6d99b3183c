import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { PluginLogGate } from './log-gate.js';

function rig(): { gate: PluginLogGate; lines: Record<string, unknown>[]; dropped: () => Promise<number> } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  const registry = new Registry();
  const counter = new Counter({ name: 'dropped_total', help: 'test', labelNames: ['plugin'], registers: [registry] });
  const gate = new PluginLogGate('p', log, counter, { linesPerSecond: 10, burst: 20 }, 0);
  return { gate, lines, dropped: async () => (await counter.get()).values.find((v) => v.labels.plugin === 'p')?.value ?? 0 };
}

describe('the log gate of a plugin', () => {
  it('lets its burst through, then its rate; counts the rest; says once when it starts and once when it ends', async () => {
    const { gate, lines, dropped } = rig();
    for (let i = 0; i < 100; i++) gate.write(1, `a${i}`, 0);
    assert.equal(lines.filter((l) => /^a/.test(String(l.msg))).length, 20);
    assert.equal(await dropped(), 80);
    assert.equal(lines.filter((l) => l.cause === 'logFlood').length, 1);
    // 100 ms later: one token, one line; still dropping (the bucket is not half full), so no notice yet.
    for (let i = 0; i < 10; i++) gate.write(2, `b${i}`, 100);
    assert.deepEqual(lines.filter((l) => /^b/.test(String(l.msg))).map((l) => [l.msg, l.level]), [['b0', 40]]);
    assert.equal(await dropped(), 89);
    assert.equal(lines.filter((l) => l.dropped !== undefined).length, 0);
    // 2 s of quiet fill the bucket: the next line ends the dropping and says how many were lost.
    gate.write(3, 'c', 2100);
    const notice = lines.find((l) => l.dropped !== undefined);
    assert.equal(notice?.dropped, 89);
    assert.deepEqual([lines.at(-1)?.msg, lines.at(-1)?.level], ['c', 50]);
    gate.drop(5);
    assert.equal(lines.filter((l) => l.cause === 'logFlood').length, 2, 'a new period of dropping is announced again');
    assert.equal(await dropped(), 94);
  });
});
