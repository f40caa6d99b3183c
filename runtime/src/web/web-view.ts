import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ApiUnauthenticatedError, hasScope, type Authenticator } from '../api/index.js';
import type { App, AppContext, SwitchDirectory } from '../core/index.js';
import type { PluginStatus } from '../plugins/index.js';
import type { TopologyQuery } from '../topology/index.js';
import { WebError, type WebErrorCode } from './errors.js';
import { SseClients, type EventFeed, type SseLimits } from './sse-clients.js';
import { formatEventId, jsonReplacer } from './sse-resume.js';
import { readFlows, readPortCounters, SwitchStatsSampler } from './switch-stats.js';
import { clusterJson, LIST_CAPS, nodeJson, pluginJson, switchDetailJson, switchJson, topologyJson, type AppNameOf, type ClusterSnapshot, type NodeInfo } from './views.js';

/**
 * Who may see the web view. `token`: API tokens are configured; every request
 * needs one with the scope `events:read` (as the Events stream does). `local`:
 * no tokens; only peers on this machine are answered (loopback source address
 * and a loopback Host header, so a web page elsewhere cannot read the view
 * through DNS rebinding), whatever address the HTTP port binds.
 */
export type WebAccess = 'token' | 'local';

/** The access rule of docs/security.md. */
export function webAccess(tokenCount: number): WebAccess {
  return tokenCount > 0 ? 'token' : 'local';
}

/** The cookie that carries the token after the page's first load (`/?token=...`). */
export const TOKEN_COOKIE = 'sdn_runtime_token';

export interface WebViewOptions {
  readonly node: NodeInfo;
  readonly access: WebAccess;
  /** serve/exposure.ts's answer to "is this address this machine?" (for `local` access). */
  readonly isLoopback: (host: string) => boolean;
  readonly auth: Authenticator;
  /** The API's event hub: its log's seqs are the stream's event ids. */
  readonly feed: EventFeed;
  readonly topology: TopologyQuery | undefined;
  readonly plugins: { list(): PluginStatus[] };
  /** The in-process apps by name. */
  readonly apps: readonly string[];
  /** The app names of app ids (flow ownership), for flows grouped by app. */
  readonly appName: AppNameOf;
  /** The overlay's picture of the runtime nodes and their links; undefined without the overlay. */
  readonly cluster: { snapshot(): ClusterSnapshot } | undefined;
  readonly sse: SseLimits;
  /** How often stats (flow counts, packet-in/s) are sampled and pushed while a page watches. */
  readonly statsIntervalMs: number;
  readonly registry: Registry;
  readonly log: Logger;
  readonly now?: () => number;
}

/** A refusal of one code is logged at most once per this many ms (each one is counted). */
const LOG_INTERVAL_MS = 60_000;
const KEEP_ALIVE_MS = 15_000;
const DPID_PATH = /^\/api\/v1\/switches\/([0-9a-fA-F:]{1,23})$/;

/** The page's files (runtime/web-assets/, shipped in the package) and cytoscape, read once at start. */
interface Assets {
  readonly html: string;
  readonly script: string;
  readonly css: string;
  readonly cytoscape: string;
}

function readAssets(): Assets {
  const file = (name: string): string => readFileSync(new URL(`../../web-assets/${name}`, import.meta.url), 'utf8');
  // Resolved from the package's own dependency, so the page needs no CDN.
  const cytoscape = readFileSync(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js'), 'utf8');
  return { html: file('index.html'), script: file('web-view.js'), css: file('web-view.css'), cytoscape };
}

function parseDpid(text: string): bigint {
  const hex = text.replaceAll(':', '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw new WebError('WEB_BAD_REQUEST', `not a dpid: ${JSON.stringify(text)} (16 hex digits, colons allowed)`);
  return BigInt(`0x${hex}`);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      // A malformed escape is no token: the request is answered as one without a cookie.
      return undefined;
    }
  }
  return undefined;
}

/**
 * The live web view on the HTTP port: the page at `/`, its script and
 * cytoscape under `/assets/`, read-only JSON under `/api/v1/`, and the event
 * stream `/api/v1/events`. An in-process app (it counts packet-ins per switch
 * and reads switches through its context). `handle` answers the paths it owns
 * and returns false for the others. Main thread only.
 */
export class WebView implements App {
  readonly name = 'web-view';
  private readonly options: WebViewOptions;
  private readonly now: () => number;
  private readonly run = randomBytes(6).toString('hex');
  private readonly assets = readAssets();
  private readonly clients: SseClients;
  private readonly sampler: SwitchStatsSampler;
  private readonly refused: Counter<'code'>;
  private readonly lastLogged = new Map<string, number>();
  private switches: SwitchDirectory | undefined;
  private ctx: AppContext | undefined;
  private unsubscribe: (() => void) | undefined;
  /** The packet-in subscription, held only while a page watches (startTimers to stopTimers): nobody pays for it otherwise. */
  private countingPacketIns: (() => void) | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;

  constructor(options: WebViewOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    const registers = [options.registry];
    this.refused = new Counter({ name: 'sdn_runtime_web_refused_total', help: 'Web view requests refused, by code (WEB_NOT_FOUND, WEB_BAD_REQUEST, WEB_UNAUTHENTICATED, WEB_FORBIDDEN, WEB_NOT_EXPOSED, WEB_TOO_MANY_CLIENTS, WEB_SWITCH_FAILED, WEB_INTERNAL)', labelNames: ['code'], registers });
    const dropped = new Counter({ name: 'sdn_runtime_web_sse_dropped_total', help: 'Web view event streams dropped, by reason (slow: more unsent bytes than the per-client buffer)', labelNames: ['reason'], registers });
    const clients = new Gauge({ name: 'sdn_runtime_web_sse_clients', help: 'Web view event streams open now', registers });
    this.clients = new SseClients(options.feed, this.run, options.sse, { clients, dropped, onDropped: (reason) => this.logOnce(`dropped:${reason}`, { reason }, 'a web view event stream fell too far behind and was dropped (its page reconnects and resumes)') });
    this.sampler = new SwitchStatsSampler(() => this.switches, this.now, options.appName);
  }

  start(ctx: AppContext): void {
    // The operator's view: every app's flows and every owner's packet-ins, not this app's own.
    this.switches = ctx.apps.unconfined;
    this.ctx = ctx;
    this.unsubscribe = ctx.subscribe(['switchDown'], (e) => this.sampler.forget(e.dpid), { interest: false });
  }

  stop(): void {
    this.unsubscribe?.();
    this.clients.closeAll();
    this.stopTimers();
  }

  /** Answers `req` when its path is the web view's; false otherwise (the caller answers 404). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://web-view');
    const path = url.pathname;
    if (path !== '/' && !path.startsWith('/assets/') && !path.startsWith('/api/v1/')) return false;
    this.route(req, res, url).catch((err: unknown) => this.fail(res, err));
    return true;
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    if (path === '/' && url.searchParams.has('token')) return this.tokenLogin(req, res, url.searchParams.get('token')!);
    this.authorize(req);
    if (path === '/') return this.send(res, 200, 'text/html; charset=utf-8', this.assets.html);
    if (path === '/assets/web-view.js') return this.send(res, 200, 'text/javascript; charset=utf-8', this.assets.script);
    if (path === '/assets/web-view.css') return this.send(res, 200, 'text/css; charset=utf-8', this.assets.css);
    if (path === '/assets/cytoscape.min.js') return this.send(res, 200, 'text/javascript; charset=utf-8', this.assets.cytoscape);
    if (path === '/api/v1/node') return this.json(res, nodeJson(this.options.node, this.now()));
    if (path === '/api/v1/nodes') return this.json(res, clusterJson(this.options.node, this.now(), this.options.cluster?.snapshot()));
    if (path === '/api/v1/topology') return this.json(res, this.snapshot());
    if (path === '/api/v1/plugins') return this.json(res, { plugins: this.options.plugins.list().slice(0, LIST_CAPS.plugins).map(pluginJson) });
    if (path === '/api/v1/switches') {
      const views = this.directory().list();
      const directory = this.directory();
      const switches = views.slice(0, LIST_CAPS.switches).map((v) => switchJson(v, directory.role(v.dpid), this.options.node.name, this.sampler.stats.get(v.dpid)));
      return this.json(res, { switches, truncated: views.length > LIST_CAPS.switches ? { switches: views.length } : {} });
    }
    const dpidMatch = DPID_PATH.exec(path);
    if (dpidMatch !== null) return this.json(res, await this.switchDetail(parseDpid(dpidMatch[1]!)));
    if (path === '/api/v1/events') {
      const header = req.headers['last-event-id'];
      this.clients.open(req, res, typeof header === 'string' ? header : (url.searchParams.get('after') ?? undefined));
      this.startTimers();
      return;
    }
    throw new WebError('WEB_NOT_FOUND', `no such path: ${path.slice(0, 200)}; the web view serves /, /api/v1/topology, /api/v1/switches, /api/v1/switches/<dpid>, /api/v1/plugins, /api/v1/node, /api/v1/nodes and /api/v1/events`);
  }

  /** The whole picture and the id of the newest event it includes, read in one turn. */
  private snapshot() {
    const topology = this.options.topology;
    return topologyJson({
      node: this.options.node,
      nowMs: this.now(),
      eventId: formatEventId(this.run, this.options.feed.log.lastSeq()),
      switches: this.directory().list(),
      roleOf: (dpid) => this.directory().role(dpid),
      stats: this.sampler.stats,
      links: topology?.links(),
      hosts: topology?.hostList(),
      plugins: this.options.plugins.list(),
      apps: this.options.apps,
      cluster: this.options.cluster?.snapshot(),
    });
  }

  private async switchDetail(dpid: bigint) {
    const view = this.directory().view(dpid);
    if (view === undefined) throw new WebError('WEB_NOT_FOUND', `no switch ${dpid.toString(16).padStart(16, '0')} is connected to this node`);
    try {
      const [flows, ports] = await Promise.all([readFlows(this.directory(), dpid), readPortCounters(this.directory(), dpid)]);
      return switchDetailJson({ view, role: this.directory().role(dpid), nodeName: this.options.node.name, stats: this.sampler.stats.get(dpid), flows, ports, appName: this.options.appName });
    } catch (err) {
      throw new WebError('WEB_SWITCH_FAILED', `switch ${dpid.toString(16).padStart(16, '0')} did not answer for its flows and port counters: ${(err as Error).message}`, { cause: err });
    }
  }

  private directory(): SwitchDirectory {
    if (this.switches === undefined) throw new WebError('WEB_NOT_FOUND', 'the web view is not started yet');
    return this.switches;
  }

  /** @throws WebError when the request may not see the view (see WebAccess). */
  private authorize(req: IncomingMessage): void {
    if (this.options.access === 'local') {
      const host = new URL(`http://${req.headers.host ?? 'missing'}`).hostname;
      if (this.options.isLoopback(req.socket.remoteAddress ?? '') && this.options.isLoopback(host)) return;
      throw new WebError(
        'WEB_NOT_EXPOSED',
        'without API tokens the web view answers only this machine (http://127.0.0.1:<http port>/): configure tokens (docs/security.md) and open /?token=<a token with events:read>, or reach it through an SSH tunnel',
      );
    }
    const cookie = cookieValue(req.headers.cookie, TOKEN_COOKIE);
    this.checkToken(req.headers.authorization ?? (cookie === undefined ? undefined : `Bearer ${cookie}`));
  }

  /** @throws WebError unless `authorization` (`Bearer <token>`) names a token with `events:read`. */
  private checkToken(authorization: string | undefined): void {
    let principal;
    try {
      principal = this.options.auth.identifyAuthorization(authorization, 'header');
    } catch (err) {
      if (err instanceof ApiUnauthenticatedError) throw new WebError('WEB_UNAUTHENTICATED', `${err.message} (or open /?token=<token> once: the page keeps it in a cookie)`, { cause: err });
      throw err;
    }
    if (!hasScope(principal, 'events:read')) throw new WebError('WEB_FORBIDDEN', `the web view needs the scope "events:read", which the token of "${principal.name}" does not have`);
  }

  /**
   * `/?token=...`: checks the token, keeps it in an HttpOnly, SameSite=Strict
   * cookie and sends the browser to `/`, so the token leaves the address bar
   * and the history. With `local` access there is no token to keep.
   */
  private tokenLogin(req: IncomingMessage, res: ServerResponse, token: string): void {
    if (this.options.access === 'local') {
      this.authorize(req);
      res.writeHead(303, { location: '/', 'cache-control': 'no-store' }).end();
      return;
    }
    this.checkToken(`Bearer ${token}`);
    res.writeHead(303, { location: '/', 'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`, 'cache-control': 'no-store' }).end();
  }

  private startTimers(): void {
    if (this.statsTimer !== undefined) return;
    // Counts the packet-ins this node gets without asking other nodes for theirs (core/event-interest.ts): a remote switch's rate is shown by its own node's view.
    this.countingPacketIns = this.ctx?.subscribe(['packetIn'], (e) => this.sampler.count(e.dpid), { everyOwner: true, interest: false });
    const sample = (): void => {
      if (this.clients.size === 0) return this.stopTimers();
      void this.sampler.sample().then(() => {
        const switches = [...this.sampler.stats].map(([dpid, s]) => ({ dpid, ...s }));
        // The overlay has no events for the page: its links (and their RTT) come with each stats message.
        const overlayLinks = this.options.cluster === undefined ? undefined : clusterJson(this.options.node, this.now(), this.options.cluster.snapshot()).overlayLinks.slice(0, LIST_CAPS.overlayLinks);
        this.clients.broadcast('stats', { switches, overlayLinks });
      });
    };
    this.statsTimer = setInterval(sample, this.options.statsIntervalMs).unref();
    this.keepAliveTimer = setInterval(() => this.clients.keepAlive(), KEEP_ALIVE_MS).unref();
    sample();
  }

  private stopTimers(): void {
    clearInterval(this.statsTimer);
    clearInterval(this.keepAliveTimer);
    this.statsTimer = undefined;
    this.keepAliveTimer = undefined;
    this.countingPacketIns?.();
    this.countingPacketIns = undefined;
  }

  private send(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(body);
  }

  private json(res: ServerResponse, value: unknown): void {
    this.send(res, 200, 'application/json', JSON.stringify(value, jsonReplacer));
  }

  /** A refusal answered as JSON, counted, and logged the first time per code per minute. */
  private fail(res: ServerResponse, err: unknown): void {
    const error = err instanceof WebError ? err : new WebError('WEB_INTERNAL', `the web view failed: ${(err as Error).message}`, { cause: err });
    this.refused.inc({ code: error.code });
    this.logOnce(error.code, { err: error }, 'web view request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.send(res, error.status, 'application/json', JSON.stringify({ error: { code: error.code as WebErrorCode, message: error.message } }));
  }

  private logOnce(key: string, fields: object, message: string): void {
    const at = this.now();
    if (at - (this.lastLogged.get(key) ?? -Infinity) < LOG_INTERVAL_MS) return;
    this.lastLogged.set(key, at);
    this.options.log.warn(fields, `${message} (more of this kind within a minute are only counted)`);
  }
}
