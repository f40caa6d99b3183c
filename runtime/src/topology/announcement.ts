import { createHmac, timingSafeEqual } from 'node:crypto';
import { TopologyFrameError } from './errors.js';
import type { Endpoint, Host, HostRemovedReason, Link, LinkDownReason } from './types.js';

/**
 * The message one runtime node sends the others about the links and hosts it
 * learned (README "Across nodes"): links and hosts that are up (new, changed or
 * refreshed) and those that went away, each list at most
 * `MAX_ANNOUNCED_ITEMS` long. Wire form: version byte (1), the sender's node id
 * (u32, big-endian; a node skips its own without checking them), HMAC-SHA256
 * keyed with the cluster secret over the version, the node id and the JSON
 * that follows, then the JSON body (at most `MAX_ANNOUNCEMENT_BYTES` in all).
 */
export interface Announcement {
  /** The sending node's 32-bit id. */
  readonly node: number;
  /** Grows with every announcement of a node (and across its restarts): an older or repeated one is refused. */
  readonly seq: number;
  /** How long a receiver keeps what this announces without hearing it again, in ms. */
  readonly ttlMs: number;
  readonly links: readonly Link[];
  readonly hosts: readonly Host[];
  readonly linksDown: readonly { readonly dst: Endpoint; readonly reason: LinkDownReason }[];
  readonly hostsDown: readonly { readonly mac: string; readonly reason: HostRemovedReason }[];
}

export const ANNOUNCEMENT_VERSION = 1;
/** Items per list of one announcement; a sender splits longer lists. */
export const MAX_ANNOUNCED_ITEMS = 500;
/** The largest announcement accepted, in bytes (500 hosts with 8 IPv6 addresses each fit twice). */
export const MAX_ANNOUNCEMENT_BYTES = 1024 * 1024;
/** The accepted range of `ttlMs`. */
export const MIN_TTL_MS = 1_000;
export const MAX_TTL_MS = 600_000;

const MAC_SIZE = 32;
/** Version byte and node id. */
const HEADER_SIZE = 5;
const MAX_IPS = 8;
const LINK_DOWN_REASONS: ReadonlySet<string> = new Set<LinkDownReason>(['timeout', 'portDown', 'switchDown', 'replaced']);
const HOST_REMOVED_REASONS: ReadonlySet<string> = new Set<HostRemovedReason>(['timeout', 'portDown', 'switchDown', 'notEdge']);
const MAC_TEXT = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const DPID_TEXT = /^[0-9a-f]{1,16}$/;
const IP_TEXT = /^[0-9a-fA-F.:]{2,45}$/;

/** The wire bytes of `a`, signed with `secret`. */
export function encodeAnnouncement(a: Announcement, secret: Uint8Array): Buffer {
  const body = Buffer.from(
    JSON.stringify({
      node: a.node,
      seq: a.seq,
      ttlMs: a.ttlMs,
      links: a.links.map((l) => ({ src: endpointJson(l.src), dst: endpointJson(l.dst), latencyMs: l.latencyMs, srcNode: l.srcNode, upSinceMs: l.upSinceMs, lastSeenMs: l.lastSeenMs })),
      hosts: a.hosts.map((h) => ({ mac: h.mac, ips: h.ips, at: endpointJson(h.location), firstSeenMs: h.firstSeenMs, lastSeenMs: h.lastSeenMs })),
      linksDown: a.linksDown.map((d) => ({ dst: endpointJson(d.dst), reason: d.reason })),
      hostsDown: a.hostsDown,
    }),
    'utf8',
  );
  const header = Buffer.alloc(HEADER_SIZE);
  header[0] = ANNOUNCEMENT_VERSION;
  header.writeUInt32BE(a.node, 1);
  return Buffer.concat([header, sign(secret, header, body), body]);
}

/** The sender's node id in the header of `bytes`, unchecked (undefined when there is no header of our version). */
export function announcementNode(bytes: Uint8Array): number | undefined {
  if (bytes.length < HEADER_SIZE || bytes[0] !== ANNOUNCEMENT_VERSION) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset, HEADER_SIZE).readUInt32BE(1);
}

/**
 * The announcement in `bytes`, checked. @throws TopologyFrameError
 * `ANNOUNCE_MALFORMED` (too large, not our JSON shape, a value out of range),
 * `ANNOUNCE_FOREIGN` (another version), `ANNOUNCE_FORGED` (the HMAC does not
 * verify with the cluster secret).
 */
export function decodeAnnouncement(bytes: Uint8Array, secret: Uint8Array): Announcement {
  if (bytes.length > MAX_ANNOUNCEMENT_BYTES) throw new TopologyFrameError('ANNOUNCE_MALFORMED', `announcement of ${bytes.length} bytes, at most ${MAX_ANNOUNCEMENT_BYTES} accepted`);
  if (bytes.length < HEADER_SIZE + MAC_SIZE + 2) throw new TopologyFrameError('ANNOUNCE_MALFORMED', `announcement of ${bytes.length} bytes is too short`);
  if (bytes[0] !== ANNOUNCEMENT_VERSION) throw new TopologyFrameError('ANNOUNCE_FOREIGN', `announcement version ${bytes[0]}, this node reads ${ANNOUNCEMENT_VERSION}`);
  const body = bytes.subarray(HEADER_SIZE + MAC_SIZE);
  if (!timingSafeEqual(sign(secret, bytes.subarray(0, HEADER_SIZE), body), bytes.subarray(HEADER_SIZE, HEADER_SIZE + MAC_SIZE))) {
    throw new TopologyFrameError('ANNOUNCE_FORGED', 'announcement HMAC does not verify with the cluster secret (another cluster, or not from a runtime node)');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'));
  } catch (err) {
    throw new TopologyFrameError('ANNOUNCE_MALFORMED', 'announcement body is not JSON', { cause: err });
  }
  const o = record(json, 'announcement');
  const node = uint(o.node, 'node', 0xffffffff);
  if (node !== announcementNode(bytes)) throw malformed(`node ${node} in the body, ${announcementNode(bytes)} in the header`);
  return {
    node,
    seq: uint(o.seq, 'seq', Number.MAX_SAFE_INTEGER),
    ttlMs: Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, uint(o.ttlMs, 'ttlMs', Number.MAX_SAFE_INTEGER))),
    links: list(o.links, 'links').map((v) => {
      const l = record(v, 'link');
      return { src: endpoint(l.src), dst: endpoint(l.dst), latencyMs: uint(l.latencyMs, 'latencyMs', Number.MAX_SAFE_INTEGER), srcNode: uint(l.srcNode, 'srcNode', 0xffffffff), upSinceMs: time(l.upSinceMs), lastSeenMs: time(l.lastSeenMs) };
    }),
    hosts: list(o.hosts, 'hosts').map((v) => {
      const h = record(v, 'host');
      const ips = list(h.ips, 'ips');
      if (ips.length > MAX_IPS) throw malformed(`a host with ${ips.length} IPs, at most ${MAX_IPS}`);
      return { mac: text(h.mac, 'mac', MAC_TEXT), ips: ips.map((ip) => text(ip, 'ip', IP_TEXT)), location: endpoint(h.at), firstSeenMs: time(h.firstSeenMs), lastSeenMs: time(h.lastSeenMs) };
    }),
    linksDown: list(o.linksDown, 'linksDown').map((v) => {
      const d = record(v, 'linkDown');
      return { dst: endpoint(d.dst), reason: oneOf(d.reason, LINK_DOWN_REASONS) as LinkDownReason };
    }),
    hostsDown: list(o.hostsDown, 'hostsDown').map((v) => {
      const d = record(v, 'hostDown');
      return { mac: text(d.mac, 'mac', MAC_TEXT), reason: oneOf(d.reason, HOST_REMOVED_REASONS) as HostRemovedReason };
    }),
  };
}

function sign(secret: Uint8Array, header: Uint8Array, body: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(header).update(body).digest();
}

function endpointJson(e: Endpoint): { dpid: string; port: number } {
  return { dpid: e.dpid.toString(16), port: e.port };
}

function malformed(detail: string): TopologyFrameError {
  return new TopologyFrameError('ANNOUNCE_MALFORMED', `announcement: ${detail}`);
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw malformed(`${what} is not a list`);
  if (v.length > MAX_ANNOUNCED_ITEMS) throw malformed(`${what} has ${v.length} items, at most ${MAX_ANNOUNCED_ITEMS}`);
  return v;
}

function uint(v: unknown, what: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw malformed(`${what} is not an integer in 0..${max}`);
  return v;
}

function time(v: unknown): number {
  return uint(v, 'a time', Number.MAX_SAFE_INTEGER);
}

function text(v: unknown, what: string, form: RegExp): string {
  if (typeof v !== 'string' || !form.test(v)) throw malformed(`${what} ${JSON.stringify(v)?.slice(0, 60)} does not have its form`);
  return v;
}

function oneOf(v: unknown, allowed: ReadonlySet<string>): string {
  if (typeof v !== 'string' || !allowed.has(v)) throw malformed(`reason ${JSON.stringify(v)?.slice(0, 60)} is not one of ${[...allowed].join(', ')}`);
  return v;
}

function endpoint(v: unknown): Endpoint {
  const e = record(v, 'endpoint');
  return { dpid: BigInt(`0x${text(e.dpid, 'dpid', DPID_TEXT)}`), port: uint(e.port, 'port', 0xffffffff) };
}
