import { ClientClosedError, GRPCDeadlineExceededError, isRecoverableError } from 'etcd3';
import { KvError } from './errors.js';

/**
 * gRPC status numbers (grpc/doc/statuscodes.md, fixed by the protocol) as etcd's
 * raw watch stream reports them; spelled out because gRPC imports belong to
 * api/ alone (the layer rule in eslint.config.js).
 */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * One place that maps what the etcd client throws to `KvError` codes, by class,
 * never by message text: a connection that is gone, a member without a leader
 * (etcd3's recoverable errors; on a watch stream, which etcd3 hands over raw,
 * the gRPC UNAVAILABLE status) and a deadline that passed are `KV_UNAVAILABLE`;
 * the closed client is `KV_CLOSED`; anything else is `KV_STORAGE`.
 */
export function etcdError(what: string, error: unknown): KvError {
  if (error instanceof KvError) return error;
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof ClientClosedError) return new KvError('KV_CLOSED', message, { cause: error });
  const grpcCode = (error as { code?: unknown } | null)?.code;
  const unavailable =
    (error instanceof Error && isRecoverableError(error)) ||
    error instanceof GRPCDeadlineExceededError ||
    grpcCode === GRPC_UNAVAILABLE ||
    grpcCode === GRPC_DEADLINE_EXCEEDED;
  return new KvError(unavailable ? 'KV_UNAVAILABLE' : 'KV_STORAGE', message, { cause: error });
}
