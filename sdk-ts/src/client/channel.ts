import { credentials, Metadata, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import type { TlsOptions } from './options.js';

function pem(value: string | Uint8Array | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Plaintext, or TLS with the given roots and client certificate. */
export function channelCredentials(tls: boolean | TlsOptions | undefined): ChannelCredentials {
  if (tls === undefined || tls === false) return credentials.createInsecure();
  const t = tls === true ? {} : tls;
  return credentials.createSsl(pem(t.ca), pem(t.key), pem(t.cert));
}

/**
 * The HTTP/2 receive window of the app's connection and of each of its streams.
 * Node's default (64 KiB) let the runtime send about 450 small events before it
 * had to wait for the app to acknowledge them: with a busy or descheduled app,
 * that window, not the credit, bounded the event rate, and the runtime shed the
 * rest. 8 MiB covers the default credit of events with full-size frames.
 */
export const FLOW_CONTROL_WINDOW = 8 * 1024 * 1024;

/** Channel options: the window above, the TLS name override, then the caller's. */
export function channelOptions(tls: boolean | TlsOptions | undefined, extra: ChannelOptions | undefined): ChannelOptions {
  const serverName = typeof tls === 'object' ? tls.serverName : undefined;
  return {
    'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
    ...(serverName === undefined ? {} : { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName }),
    ...extra,
  };
}

/** A factory of per-call metadata carrying `authorization: Bearer <token>` when there is a token. */
export function authMetadata(token: string | undefined): () => Metadata {
  return () => {
    const md = new Metadata();
    if (token !== undefined) md.set('authorization', `Bearer ${token}`);
    return md;
  };
}
