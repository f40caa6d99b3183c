import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { LogDrops } from './logger.js';
import { RuntimeMetrics } from './metrics.js';

const LOGGER = new URL('./logger.js', import.meta.url).href;

/**
 * A child process logs 100 MB in one synchronous loop (stderr cannot take any
 * of it before the loop ends) and reports its heap growth and the drops.
 */
const CHILD = `
import { createLogger, LogDrops } from ${JSON.stringify(LOGGER)};
const drops = new LogDrops();
const log = createLogger('info', 'json', drops, 1024 * 1024);
const line = 'x'.repeat(1000);
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < 100000; i++) log.info(line);
const grownMiB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
process.stdout.write(JSON.stringify({ grownMiB, lines: drops.lines, bytes: drops.bytes }));
`;

describe('the JSON logger', () => {
  it('buffers at most its cap for stderr and drops and counts the rest', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', CHILD], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (err, out, errOut) => (err === null ? resolve({ stdout: out, stderr: errOut }) : reject(err)));
    });
    const report = JSON.parse(stdout) as { grownMiB: number; lines: number; bytes: number };
    const written = stderr.split('\n').filter((l) => l !== '').length;
    assert.ok(report.grownMiB < 32, `the heap grew by ${report.grownMiB.toFixed(0)} MiB`);
    assert.ok(written > 0 && written < 2000, `${written} lines reached stderr`);
    assert.equal(report.lines + written, 100000, 'every line was written or counted');
    assert.ok(report.bytes > 90 * 1024 * 1024);
  });

  it('reports what it dropped as metrics', async () => {
    const drops = new LogDrops();
    const metrics = new RuntimeMetrics();
    metrics.countLogDrops(drops);
    drops.lines = 3;
    drops.bytes = 3000;
    const text = await metrics.registry.metrics();
    assert.match(text, /^sdn_runtime_log_lines_dropped_total 3$/m);
    assert.match(text, /^sdn_runtime_log_bytes_dropped_total 3000$/m);
  });
});
