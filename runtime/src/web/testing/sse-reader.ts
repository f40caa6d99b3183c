import { get, type IncomingMessage } from 'node:http';

/** One SSE message as the page's EventSource gets it. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** An open /api/v1/events stream, parsed; `next` waits (bounded) for a message that matches. */
export class SseReader {
  private readonly messages: SseMessage[] = [];
  private buffer = '';
  private wake: (() => void) | undefined;
  ended = false;

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const fields = new Map(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)] as const));
        if (fields.has('data')) this.messages.push({ id: fields.get('id'), event: fields.get('event') ?? 'message', data: JSON.parse(fields.get('data')!) as Record<string, unknown> });
      }
      this.wake?.();
    });
    response.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  static open(port: number, query: string, headers: Record<string, string> = {}): Promise<SseReader> {
    return new Promise((resolve, reject) => get({ host: '127.0.0.1', port, path: `/api/v1/events${query}`, headers }, (res) => resolve(new SseReader(res))).on('error', reject));
  }

  async next(predicate: (m: SseMessage) => boolean, what: string, timeoutMs = 5000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(predicate);
      if (i >= 0) return this.messages.splice(0, i + 1).pop()!;
      if (this.ended) throw new Error(`the stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`not within ${timeoutMs} ms: ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.response.destroy();
  }
}
