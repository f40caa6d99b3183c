import type { Metadata, ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { requireScope, type Authenticator, type Scope } from './auth.js';
import { toServiceError } from './status.js';

type Handler = (call: { metadata: Metadata }, callback?: (err: unknown) => void) => void;

/**
 * Wraps a service implementation whose methods check no scopes (the KV and PubSub
 * services) so that every call is authorized first, against
 * the method's scope from `scopes`. A unary call outside its scope is answered
 * with the mapped status through its callback; a server stream is ended with it.
 * Nothing of the wrapped method runs for a refused call.
 */
export function guardService<T extends object>(auth: Authenticator, service: string, implementation: T, scopes: Readonly<Record<keyof T & string, Scope>>): UntypedServiceImplementation {
  const guarded: Record<string, Handler> = {};
  for (const [method, handler] of Object.entries(implementation) as [keyof T & string, Handler][]) {
    const scope = scopes[method];
    guarded[method] = (call, callback) => {
      try {
        requireScope(auth.identify(call.metadata), scope, `${service}.${method}`);
      } catch (err) {
        if (callback !== undefined) callback(toServiceError(err));
        else (call as unknown as ServerWritableStream<unknown, unknown>).emit('error', toServiceError(err));
        return;
      }
      handler(call, callback);
    };
  }
  return guarded as UntypedServiceImplementation;
}
