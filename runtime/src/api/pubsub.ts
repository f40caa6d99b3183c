import { Metadata, status, type handleServerStreamingCall, type ServiceError } from '@grpc/grpc-js';
import type { PubSubServer, PubSubMessage as PbPubSubMessage, SubscribeRequest } from '../generated/sdn/runtime/v1/pubsub.js';
import { SdnError } from '../errors.js';
import { PubSubError, type PubSubBus, type Subscription } from '../pubsub/index.js';
import { BoundedStreamWriter } from './bounded-writer.js';
import { fromPubSubMessage } from './convert/index.js';
import { internalServiceError, toServiceError } from './status.js';

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

/** A bus error as its gRPC status (api/status.ts maps the `PUBSUB_*` codes); anything else is a bug, reported as INTERNAL without its internals. */
function pubSubServiceError(error: unknown, method: string, onInternalError: (error: unknown, method: string) => void): Partial<ServiceError> {
  if (error instanceof SdnError) return toServiceError(error);
  onInternalError(error, method);
  return internalServiceError(`PubSub.${method}`);
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
      call.emit('error', { code: status.RESOURCE_EXHAUSTED, metadata: new Metadata(), details: `the client is not reading: ${messages} messages (${bytes} bytes) waited, the limit is ${limits.maxMessages} messages or ${limits.maxBytes} bytes; subscribe again` });
    });
    call.on('cancelled', () => {
      writer.stop();
      subscription?.unsubscribe();
    });
    try {
      subscription = bus.subscribe(call.request.patterns, (message) => {
        writer.push(fromPubSubMessage(message));
      });
    } catch (error) {
      writer.stop();
      call.emit('error', pubSubServiceError(error, 'Subscribe', onInternalError));
    }
  };

  return {
    publish: (call, callback) => {
      try {
        const message = call.request.message;
        if (message === undefined) throw new PubSubError('PUBSUB_SUBJECT', 'message: is required');
        callback(null, { delivered: bus.publish({ subject: message.subject, payload: message.payload, headers: message.headers }) });
      } catch (error) {
        callback(pubSubServiceError(error, 'Publish', onInternalError));
      }
    },
    subscribe,
  };
}
