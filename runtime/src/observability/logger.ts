import { pino, type Logger } from 'pino';

/**
 * The runtime's logger: human-readable on a terminal (pino-pretty), one JSON
 * object per line otherwise, so logs are pleasant to read and easy to ship.
 */
export function createLogger(level: string, format: 'auto' | 'pretty' | 'json'): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && process.stderr.isTTY === true);
  if (!pretty) return pino({ level, base: { service: 'sdn-runtime' } }, pino.destination(2));
  return pino({
    level,
    transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}
