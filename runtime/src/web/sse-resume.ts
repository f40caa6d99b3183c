/**
 * Where a Server-Sent Events client resumes. Pure: the event log's bounds in,
 * a plan out. An event id is `<run>.<seq>`: `seq` is the lifecycle event's seq
 * in the node's event log (core/event-log.ts, the same seqs gRPC clients resume
 * from) and `run` names this start of the node, because seqs restart at 1 on
 * every start and a seq from an earlier run means nothing now.
 */

/** The bounds of the event log a client resumes from. */
export interface SeqBounds {
  /** The newest seq (0 before the first event). */
  lastSeq(): number;
  /** The oldest seq still held. */
  oldestSeq(): number;
}

/**
 * `replay`: send every logged event after `afterSeq`, then live ones.
 * `reload`: the client cannot catch up from the log; it must fetch a new
 * snapshot (`reason` says why, for its console and ours).
 */
export type ResumePlan = { readonly kind: 'replay'; readonly afterSeq: number } | { readonly kind: 'reload'; readonly reason: string };

export function formatEventId(run: string, seq: number): string {
  return `${run}.${seq}`;
}

/** The run and seq of an id; undefined when it does not have the form `<run>.<seq>`. */
export function parseEventId(id: string): { readonly run: string; readonly seq: number } | undefined {
  const match = /^([0-9a-z]{1,32})\.(\d{1,15})$/.exec(id);
  if (match === null) return undefined;
  return { run: match[1]!, seq: Number(match[2]) };
}

/**
 * The plan for a client that last saw `lastEventId` (the `Last-Event-ID` header
 * of a reconnect, or the `eventId` of the snapshot it loaded). Without an id the
 * client starts with the events that come next.
 */
export function planResume(lastEventId: string | undefined, run: string, log: SeqBounds): ResumePlan {
  if (lastEventId === undefined || lastEventId === '') return { kind: 'replay', afterSeq: log.lastSeq() };
  const id = parseEventId(lastEventId);
  if (id === undefined) return { kind: 'reload', reason: `malformed event id ${JSON.stringify(lastEventId.slice(0, 64))}: expected <run>.<seq>` };
  if (id.run !== run) return { kind: 'reload', reason: 'the node restarted since this event id' };
  if (id.seq > log.lastSeq()) return { kind: 'reload', reason: `event id ${id.seq} is ahead of the newest event ${log.lastSeq()}` };
  if (id.seq + 1 < log.oldestSeq()) return { kind: 'reload', reason: `too far behind: events ${id.seq + 1} to ${log.oldestSeq() - 1} fell out of the event log` };
  return { kind: 'replay', afterSeq: id.seq };
}

/** One SSE message: `event` names its kind, `id` (when given) is what a reconnect resumes from. */
export function sseMessage(event: string, data: unknown, id?: string): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${event}\ndata: ${JSON.stringify(data, jsonReplacer)}\n\n`;
}

/** JSON for runtime values: dpids as the CLI prints them (16 hex digits), other bigints as decimal strings. */
export function jsonReplacer(key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return key === 'dpid' ? value.toString(16).padStart(16, '0') : value.toString();
}
