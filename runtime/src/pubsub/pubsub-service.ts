import { Metadata, status, type handleServerStreamingCall, type ServiceError } from '@grpc/grpc-js';
import type { PubSubServer, PubSubMessage as PbPubSubMessage, SubscribeRequest } from '../generated/sdn/runtime/v1/pubsub.js';
import { BoundedStreamWriter } from './bounded-writer.js';
import { PubSubError } from './errors.js';
import type { PubSubBus, PubSubMessage, Subscription } from './types.js';

/**
 * The gRPC PubSub service (proto/sdn/runtime/v1/pubsub.proto) over a
 * `PubSubBus`. Scope `pubsub` for both calls, checked by the API server's
 * interceptor, not here.
 *
 * Subscribe holds one bus subscription for all the request's patterns (a
 * message matching several arrives once). The bus cannot wait, so messages the
 * client has not read yet queue per stream up to `maxQueuedMessages` /
 * `maxQueuedBytes`; past that the subscription ends and the stream closes with
 * RESOURCE_EXHAUSTED once the client has read what grpc-js already holds.
 * Cancelling the call unsubscribes.
 */

/** The scope each PubSub method needs, for the API server's auth check (keys are the service's method names). */
export const PUBSUB_METHOD_SCOPES = { publish: 'pubsub', subscribe: 'pubsub' } as const;

export interface PubSubServiceOptions {
  /** Messages queued per Subscribe stream at most (default 10,000). */
  readonly maxQueuedMessages?: number;
  /** Bytes queued per Subscribe stream at most (default 16 MiB). */
  readonly maxQueuedBytes?: number;
  /** An error that is not a PubSubError reached a call (a bug); the client sees INTERNAL. Wire this to the log. */
  readonly onInternalError?: (error: unknown, method: string) => void;
}

function serviceError(code: status, details: string): Partial<ServiceError> {
  return { code, details, metadata: new Metadata() };
}

function toServiceError(error: unknown, method: string, onInternalError: (error: unknown, method: string) => void): Partial<ServiceError> {
  if (error instanceof PubSubError) return serviceError(status.INVALID_ARGUMENT, error.message);
  onInternalError(error, method);
  return serviceError(status.INTERNAL, `internal error in PubSub.${method} (see the runtime log)`);
}

function toPb(message: PubSubMessage): PbPubSubMessage {
  const payload = Buffer.isBuffer(message.payload) ? message.payload : Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.length);
  return { subject: message.subject, payload, headers: { ...message.headers } };
}

function sizeOf(message: PbPubSubMessage): number {
  let size = message.subject.length + message.payload.length + 8;
  for (const [key, value] of Object.entries(message.headers)) size += key.length + value.length + 4;
  return size;
}

export function pubSubServiceImpl(bus: PubSubBus, options: PubSubServiceOptions = {}): PubSubServer {
  const limits = { maxMessages: options.maxQueuedMessages ?? 10_000, maxBytes: options.maxQueuedBytes ?? 16 * 1024 * 1024 };
  const onInternalError = options.onInternalError ?? (() => {});

  const subscribe: handleServerStreamingCall<SubscribeRequest, PbPubSubMessage> = (call) => {
    let subscription: Subscription | undefined;
    const writer = new BoundedStreamWriter<PbPubSubMessage>(call, limits, sizeOf, (messages, bytes) => {
      subscription?.unsubscribe();
      call.emit('error', serviceError(status.RESOURCE_EXHAUSTED, `the client is not reading: ${messages} messages (${bytes} bytes) waited, the limit is ${limits.maxMessages} messages or ${limits.maxBytes} bytes; subscribe again`));
    });
    call.on('cancelled', () => {
      writer.stop();
      subscription?.unsubscribe();
    });
    try {
      subscription = bus.subscribe(call.request.patterns, (message) => {
        writer.push(toPb(message));
      });
    } catch (error) {
      writer.stop();
      call.emit('error', toServiceError(error, 'Subscribe', onInternalError));
    }
  };

  return {
    publish: (call, callback) => {
      try {
        const message = call.request.message;
        if (message === undefined) throw new PubSubError('PUBSUB_SUBJECT', 'message: is required');
        callback(null, { delivered: bus.publish({ subject: message.subject, payload: message.payload, headers: message.headers }) });
      } catch (error) {
        callback(toServiceError(error, 'Publish', onInternalError));
      }
    },
    subscribe,
  };
}
