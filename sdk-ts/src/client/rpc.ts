import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { ErrorCode, fromGrpcError, SdnClientError } from '../errors.js';

/** What every RPC of an app needs: its auth metadata, a deadline, and whether the app is still open. */
export interface RpcContext {
  metadata(): Metadata;
  /** Milliseconds an RPC may take. */
  readonly requestTimeoutMs: number;
  isClosed(): boolean;
}

type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientUnaryCall;

/** Calls a unary RPC; failures become SdnClientError (the gRPC status mapped in errors.ts). */
export function unary<Req, Res>(ctx: RpcContext, method: UnaryMethod<Req, Res>, request: Req, what: string): Promise<Res> {
  if (ctx.isClosed()) return Promise.reject(new SdnClientError(ErrorCode.CANCELLED, `${what}: the app is closed`));
  return new Promise<Res>((resolve, reject) => {
    method(request, ctx.metadata(), { deadline: Date.now() + ctx.requestTimeoutMs }, (err, response) => {
      if (err !== null) reject(fromGrpcError(err, what));
      else resolve(response);
    });
  });
}
