import { parseArgs } from 'node:util';
import { DEFAULT_LOAD_OPTIONS, LOAD_MODES, type LoadMode, runLoad } from './run.js';
import { OPENFLOW_VERSIONS, type OpenFlowVersion } from './switch-wire.js';
import { positiveNumber } from '../cli.js';

/**
 * The load generator on its own, against a controller you started yourself:
 *   node bench/dist/loadgen/main.js --port 6653 --mode throughput
 * Prints the result as JSON on stdout, progress on stderr.
 */

const USAGE = `usage: node bench/dist/loadgen/main.js --port N [--host 127.0.0.1] [--mode ${LOAD_MODES.join('|')}]
       [--openflow ${OPENFLOW_VERSIONS.join('|')}] [--switches 16] [--macs 1000] [--ports 8] [--window 64] [--rate 10000]
       [--warmup 2] [--seconds 5] [--batch 256] [--timeout-ms 2000]`;

async function main(argv: string[]): Promise<number> {
  const spec = {
    host: { type: 'string' },
    port: { type: 'string' },
    mode: { type: 'string' },
    openflow: { type: 'string' },
    switches: { type: 'string' },
    macs: { type: 'string' },
    ports: { type: 'string' },
    window: { type: 'string' },
    rate: { type: 'string' },
    warmup: { type: 'string' },
    seconds: { type: 'string' },
    batch: { type: 'string' },
    'timeout-ms': { type: 'string' },
    help: { type: 'boolean' },
  } as const;
  let values;
  try {
    values = parseArgs({ args: argv, options: spec, strict: true }).values;
    if (values.help === true) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.port === undefined) throw new Error('--port is required');
    if (values.mode !== undefined && !LOAD_MODES.includes(values.mode as LoadMode)) throw new Error(`--mode must be one of ${LOAD_MODES.join(', ')}, got ${values.mode}`);
    if (values.openflow !== undefined && !OPENFLOW_VERSIONS.includes(values.openflow as OpenFlowVersion)) throw new Error(`--openflow must be one of ${OPENFLOW_VERSIONS.join(', ')}, got ${values.openflow}`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const d = DEFAULT_LOAD_OPTIONS;
  try {
    const result = await runLoad({
      ...d,
      host: values.host ?? d.host,
      port: positiveNumber('port', values.port, 0),
      mode: (values.mode ?? 'throughput') as LoadMode,
      openflow: (values.openflow ?? d.openflow) as OpenFlowVersion,
      switches: positiveNumber('switches', values.switches, d.switches),
      macs: positiveNumber('macs', values.macs, d.macs),
      ports: positiveNumber('ports', values.ports, d.ports),
      window: positiveNumber('window', values.window, d.window),
      rate: positiveNumber('rate', values.rate, d.rate, { integer: false }),
      warmupSec: positiveNumber('warmup', values.warmup, d.warmupSec, { integer: false }),
      seconds: positiveNumber('seconds', values.seconds, d.seconds, { integer: false }),
      batch: positiveNumber('batch', values.batch, d.batch),
      responseTimeoutMs: positiveNumber('timeout-ms', values['timeout-ms'], d.responseTimeoutMs),
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`load generator: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
