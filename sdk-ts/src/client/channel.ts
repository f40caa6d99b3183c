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

/** Channel options: the caller's, plus the TLS name override. */
export function channelOptions(tls: boolean | TlsOptions | undefined, extra: ChannelOptions | undefined): ChannelOptions {
  const serverName = typeof tls === 'object' ? tls.serverName : undefined;
  return {
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
