import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';

/**
 * Who can reach what. The gRPC API is the node's control surface (install flows,
 * load plugins, read and write the KV store): without tokens it binds loopback
 * only, and a wider bind without tokens or client certificates is refused at
 * start. OpenFlow and HTTP keep binding every address: switches sit on other
 * machines, and HTTP serves /metrics and /healthz (read-only) to scrapers and
 * probes that do too. The web view on the HTTP port (web/) needs a token with
 * events:read when tokens exist, and answers only this machine when not.
 */

/** Where the gRPC API binds unless told otherwise. */
export const DEFAULT_GRPC_HOST = '127.0.0.1';

/**
 * True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also as
 * ::ffff:127.x.y.z) and the name "localhost". Any other name is taken as
 * reachable from elsewhere, since what it resolves to can change.
 */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) !== 6) return false;
  // The URL parser writes an IPv6 address in its one canonical form (::ffff:127.0.0.1 -> ::ffff:7f00:1).
  const canonical = new URL(`http://[${h}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:/.test(canonical);
}

/** The part of the config this check reads. */
export interface ExposedApi {
  readonly grpcHost: string;
  readonly grpcTlsCa: string | undefined;
  readonly tokenCount: number;
}

/**
 * @throws ConfigError when the gRPC API would bind a non-loopback address with
 * neither tokens nor client certificates: anyone who reaches the port could do
 * everything. The message says how to configure either, or to bind loopback.
 */
export function checkApiExposure(api: ExposedApi): void {
  if (isLoopback(api.grpcHost) || api.tokenCount > 0 || api.grpcTlsCa !== undefined) return;
  throw new ConfigError(
    `--grpc-host ${api.grpcHost} (env SDN_RUNTIME_GRPC_HOST, config "grpcHost") would let anyone who reaches this port install flows and load plugins: ` +
      'configure API tokens ("tokens" in the -c config file, or a JSON tokens file named by SDN_RUNTIME_TOKENS_FILE or config "tokensFile"; see docs/security.md), ' +
      `or require client certificates with --grpc-tls-cert, --grpc-tls-key and --grpc-tls-ca, or bind loopback with --grpc-host ${DEFAULT_GRPC_HOST}`,
  );
}

/** One listener as `serve` announces it at start. */
export interface Surface {
  readonly surface: 'openflow' | 'http' | 'grpc';
  readonly address: string;
  readonly tls: boolean;
  /** How a peer is authenticated: 'none', 'client certificate', 'token', 'token and client certificate'. */
  readonly authentication: string;
  /** The log line's text. */
  readonly msg: string;
}

/** "host:port", with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface SurfaceInputs {
  readonly openflow: { readonly host: string; readonly port: number; readonly tls: boolean; readonly clientCertificates: boolean };
  readonly http: { readonly host: string; readonly port: number; readonly tokenCount: number };
  readonly grpc: { readonly host: string; readonly port: number; readonly tls: boolean; readonly clientCertificates: boolean; readonly tokenCount: number };
}

/** What each listener is, for one start-up log line each. */
export function describeSurfaces(s: SurfaceInputs): Surface[] {
  const of = s.openflow;
  const ofAddress = hostPort(of.host, of.port);
  const openflow: Surface = {
    surface: 'openflow',
    address: ofAddress,
    tls: of.tls,
    authentication: of.clientCertificates ? 'client certificate' : 'none',
    msg: `openflow listening on ${ofAddress}: ${of.tls ? 'TLS' : 'plain TCP'}, ${of.clientCertificates ? 'switches need a certificate signed by --tls-ca' : 'switches are not authenticated'}`,
  };
  const httpAddress = hostPort(s.http.host, s.http.port);
  const web = s.http.tokenCount > 0 ? 'the web view at / needs a token with events:read' : 'the web view at / answers this machine only (no tokens)';
  const http: Surface = { surface: 'http', address: httpAddress, tls: false, authentication: 'none', msg: `http listening on ${httpAddress}: /metrics and /healthz, read-only, not authenticated; ${web}` };
  const g = s.grpc;
  const grpcAddress = hostPort(g.host, g.port);
  const who = g.clientCertificates ? 'clients need a certificate signed by --grpc-tls-ca' : undefined;
  const tokens = g.tokenCount > 0 ? `every call needs one of ${g.tokenCount} tokens (health excepted)` : 'no tokens: every client that connects has every scope';
  const grpc: Surface = {
    surface: 'grpc',
    address: grpcAddress,
    tls: g.tls,
    authentication: g.tokenCount > 0 ? (g.clientCertificates ? 'token and client certificate' : 'token') : g.clientCertificates ? 'client certificate' : 'none',
    msg: `grpc listening on ${grpcAddress}: ${g.tls ? 'TLS' : 'plaintext'}, ${[who, tokens].filter((p) => p !== undefined).join(', ')}`,
  };
  return [openflow, http, grpc];
}
