import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { ApiPermissionError, ApiUnauthenticatedError } from './errors.js';

/**
 * Per-app bearer tokens with scopes. A call presents `authorization: Bearer
 * <token>`; the token names an app and what it may do. With no tokens
 * configured the API is open: every caller is "anonymous" with every scope
 * (the server logs a warning at start).
 */

export const SCOPES = ['events:read', 'flows:write', 'kv:read', 'kv:write', 'pubsub', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** One configured token (serve config `tokens`, or the SDN_RUNTIME_TOKENS_FILE file). */
export interface TokenConfig {
  /** The app's name in logs and metrics. */
  readonly name: string;
  readonly token: string;
  readonly scopes: readonly Scope[];
}

/** Who is calling and what they may do. */
export interface Principal {
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
}

/** Why a call's token was refused; the runtime counts each (sdn_runtime_errors_total{cause="apiToken<Reason>"}). */
export type RefusalReason = 'missing' | 'malformed' | 'unknown';

const ALL: Principal = { name: 'anonymous', scopes: new Set(SCOPES) };

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export class Authenticator {
  private readonly entries: readonly { readonly digest: Buffer; readonly principal: Principal }[];

  /** `onRefused` hears of every refused token, before identify() throws. */
  constructor(
    tokens: readonly TokenConfig[],
    private readonly onRefused: (reason: RefusalReason) => void = () => {},
  ) {
    this.entries = tokens.map((t) => ({ digest: digest(t.token), principal: { name: t.name, scopes: new Set(t.scopes) } }));
  }

  /** True when no tokens are configured and every caller has every scope. */
  get open(): boolean {
    return this.entries.length === 0;
  }

  /**
   * The principal of a call's metadata.
   * @throws ApiUnauthenticatedError for a missing, malformed or unknown token.
   */
  identify(metadata: Metadata): Principal {
    if (this.open) return ALL;
    const values = metadata.get('authorization');
    return this.identifyAuthorization(values.length === 0 ? undefined : String(values[0]), 'metadata');
  }

  /**
   * The principal of an `authorization` value (`Bearer <token>`), as gRPC
   * metadata or an HTTP header carries it (`carrier` words the refusal).
   * @throws ApiUnauthenticatedError for a missing, malformed or unknown token.
   */
  identifyAuthorization(value: string | undefined, carrier: 'metadata' | 'header'): Principal {
    if (this.open) return ALL;
    if (value === undefined) this.refuse('missing', `missing token: send the ${carrier} "authorization: Bearer <token>"`);
    const match = /^Bearer (\S+)$/.exec(value);
    if (match === null) this.refuse('malformed', `malformed authorization ${carrier}: expected "Bearer <token>"`);
    // Compare digests in constant time, and look at every entry, so timing says nothing about the tokens.
    const presented = digest(match[1]!);
    let found: Principal | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, presented)) found = e.principal;
    if (found === undefined) this.refuse('unknown', 'unknown token');
    return found;
  }

  private refuse(reason: RefusalReason, message: string): never {
    this.onRefused(reason);
    throw new ApiUnauthenticatedError(message);
  }
}

/** Whether `p` may do what `scope` allows ("admin" allows everything). */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope) || p.scopes.has('admin');
}

/** @throws ApiPermissionError naming the missing scope and what needed it. */
export function requireScope(p: Principal, scope: Scope, what: string): void {
  if (!hasScope(p, scope)) throw new ApiPermissionError(scope, `${what} needs the scope "${scope}", which the token of "${p.name}" does not have`);
}
