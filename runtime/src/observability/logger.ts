import { pino, type Logger } from 'pino';

/**
 * Bytes of JSON log output that may wait for stderr (a slow pipe, a stalled
 * collector). Beyond it lines are dropped and counted, not buffered: an
 * unbounded buffer let a flood of log lines take the heap.
 */
export const MAX_PENDING_LOG_BYTES = 16 * 1024 * 1024;

/** Log lines dropped because stderr did not take them as fast as they came (the metrics read it). */
export class LogDrops {
  lines = 0;
  bytes = 0;
}

/**
 * The runtime's logger: human-readable on a terminal (pino-pretty), one JSON
 * object per line otherwise, so logs are pleasant to read and easy to ship.
 * JSON lines go to stderr through a buffer of at most `maxPendingBytes`;
 * what does not fit is counted in `drops`.
 */
export function createLogger(level: string, format: 'auto' | 'pretty' | 'json', drops = new LogDrops(), maxPendingBytes = MAX_PENDING_LOG_BYTES): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && process.stderr.isTTY === true);
  if (!pretty) {
    const destination = pino.destination({ dest: 2, sync: false, maxLength: maxPendingBytes });
    // pino writes one line per call: one drop event is one line.
    destination.on('drop', (data: string) => {
      drops.lines++;
      drops.bytes += Buffer.byteLength(data);
    });
    return pino({ level, base: { service: 'sdn-runtime' } }, destination);
  }
  return pino({
    level,
    transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}
