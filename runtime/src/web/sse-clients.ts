import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter, Gauge } from 'prom-client';
import { WebError } from './errors.js';
import { formatEventId, planResume, sseMessage } from './sse-resume.js';

/** A lifecycle event as the API's event hub logs it (api/events: StreamEvent). */
export interface LoggedEvent {
  /** Its seq in the event log; 0 for events that are not logged (packet-ins). */
  readonly seq: number;
  readonly dpid: bigint;
  readonly timeMs: number;
  readonly proto: { readonly body?: { readonly $case: string; readonly value: unknown } | undefined };
}

/** The API's event hub, as far as the web view reads it: the log to replay from and the live events. */
export interface EventFeed {
  readonly log: {
    lastSeq(): number;
    oldestSeq(): number;
    readAfter(afterSeq: number): { readonly entries: readonly { readonly item: LoggedEvent }[] };
  };
  attach(listener: (e: LoggedEvent) => void): () => void;
}

/** The event kinds the page draws; the log's other kinds (flow removed, switch errors) are not sent. */
export const PAGE_EVENT_KINDS: ReadonlySet<string> = new Set(['switchUp', 'switchDown', 'portStatus', 'linkUp', 'linkDown', 'hostAdded', 'hostMoved', 'hostRemoved']);

export interface SseLimits {
  /** Event streams open at once; one more is answered 503. */
  readonly maxClients: number;
  /** Bytes a client may have unsent; a client further behind is dropped (its page reconnects and resumes). */
  readonly maxBufferBytes: number;
}

export interface SseMetrics {
  readonly clients: Gauge;
  readonly dropped: Counter<'reason'>;
  /** Told of each dropped client after it is counted (the caller logs the first ones). */
  readonly onDropped: (reason: 'slow') => void;
}

/** The SSE message of a logged event, or undefined for a kind the page does not draw. */
function pageMessage(run: string, e: LoggedEvent): string | undefined {
  const body = e.proto.body;
  if (body === undefined || !PAGE_EVENT_KINDS.has(body.$case)) return undefined;
  return sseMessage(body.$case, { seq: e.seq, dpid: e.dpid, timeMs: e.timeMs, ...(body.value as object) }, formatEventId(run, e.seq));
}

/**
 * The open event streams of `/api/v1/events`. Each client first gets the logged
 * events after the id it resumes from (or a `reload` message when the log no
 * longer has them), then every new one, in log order. Writes never wait: a
 * client whose unsent bytes pass `maxBufferBytes` is dropped and counted.
 * Main thread only.
 */
export class SseClients {
  private readonly clients = new Set<ServerResponse>();
  private detach: (() => void) | undefined;

  constructor(
    private readonly feed: EventFeed,
    /** This start of the node (sse-resume.ts). */
    private readonly run: string,
    private readonly limits: SseLimits,
    private readonly metrics: SseMetrics,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /**
   * Answers `req` with an event stream resuming after `lastEventId`.
   * @throws WebError WEB_TOO_MANY_CLIENTS (before anything is written).
   */
  open(req: IncomingMessage, res: ServerResponse, lastEventId: string | undefined): void {
    if (this.clients.size >= this.limits.maxClients) throw new WebError('WEB_TOO_MANY_CLIENTS', `${this.limits.maxClients} event streams are open, the most this node serves; try again later`);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const plan = planResume(lastEventId, this.run, this.feed.log);
    if (plan.kind === 'reload') {
      res.end(sseMessage('reload', { reason: plan.reason }));
      return;
    }
    // Replay and attach in one turn: no event falls between them.
    let replay = 'retry: 2000\n\n';
    for (const { item } of this.feed.log.readAfter(plan.afterSeq).entries) {
      replay += pageMessage(this.run, item) ?? '';
      if (replay.length > this.limits.maxBufferBytes) {
        res.end(sseMessage('reload', { reason: 'too far behind: the events since this id do not fit one client buffer' }));
        return;
      }
    }
    res.write(replay);
    this.clients.add(res);
    this.metrics.clients.set(this.clients.size);
    this.detach ??= this.feed.attach((e) => this.onEvent(e));
    req.socket.setNoDelay(true);
    res.on('close', () => this.remove(res));
  }

  /** Sends a message without an id (current values such as stats, which a reconnect fetches anew). */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = sseMessage(event, data);
    for (const res of this.clients) this.write(res, text);
  }

  /** A comment line, so proxies and browsers see the stream alive. */
  keepAlive(): void {
    for (const res of this.clients) this.write(res, ': keep-alive\n\n');
  }

  closeAll(): void {
    for (const res of [...this.clients]) res.end();
    this.clients.clear();
    this.metrics.clients.set(0);
    this.detach?.();
    this.detach = undefined;
  }

  private onEvent(e: LoggedEvent): void {
    if (e.seq === 0) return;
    const text = pageMessage(this.run, e);
    if (text === undefined) return;
    for (const res of this.clients) this.write(res, text);
  }

  private write(res: ServerResponse, text: string): void {
    if (res.writableLength + text.length > this.limits.maxBufferBytes) {
      this.metrics.dropped.inc({ reason: 'slow' });
      this.metrics.onDropped('slow');
      this.remove(res);
      res.destroy();
      return;
    }
    res.write(text);
  }

  private remove(res: ServerResponse): void {
    if (!this.clients.delete(res)) return;
    this.metrics.clients.set(this.clients.size);
    if (this.clients.size === 0) {
      this.detach?.();
      this.detach = undefined;
    }
  }
}
