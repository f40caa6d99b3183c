import { ExponentialBackoff, handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';

/** How to reach an etcd cluster: shared by the KV store and switch mastership (`serve --etcd-*`). */
export interface EtcdConnectionOptions {
  /** `host:port` of the etcd members (at least one). */
  readonly endpoints: readonly string[];
  /** TLS: the CA that signed the members' certificates; with `cert` + `key`, a client certificate too. */
  readonly tls?: { readonly ca: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** etcd's user authentication. */
  readonly auth?: { readonly user: string; readonly password: string };
}

/**
 * The etcd client's fault handling. Its defaults open a member's circuit
 * breaker for 5 s after three failures in a row, and retry at once: when the
 * leader was killed, the writes in flight timed out on every member, every
 * circuit opened, and all calls failed fast until long after the election
 * (etcd-store.test.ts: 9 of 2,000 writes acknowledged after the kill). No
 * breaker here: each attempt picks a member at random, a dead one refuses at
 * once, and retries spaced over about an election's length find the new leader.
 */
function faultHandling(): NonNullable<ConstructorParameters<typeof Etcd3>[0]>['faultHandling'] {
  const recoverable = handleWhen(isRecoverableError);
  return {
    host: () => noop,
    global: retry(recoverable, { maxAttempts: 4, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }) }),
  };
}

/**
 * A client for `options` (no call is made yet). Each unary call gets a
 * deadline of `requestTimeoutMs`; streams get none (their users bound them).
 * `maxReceiveBytes` raises grpc-js's 4 MiB limit on one message.
 */
export function etcdClient(options: EtcdConnectionOptions, requestTimeoutMs: number, maxReceiveBytes?: number): Etcd3 {
  return new Etcd3({
    hosts: options.endpoints.map((e) => `${options.tls === undefined ? 'http' : 'https'}://${e}`),
    credentials: options.tls === undefined ? undefined : { rootCertificate: options.tls.ca, certChain: options.tls.cert, privateKey: options.tls.key },
    auth: options.auth === undefined ? undefined : { username: options.auth.user, password: options.auth.password },
    dialTimeout: requestTimeoutMs,
    faultHandling: faultHandling(),
    grpcOptions: maxReceiveBytes === undefined ? undefined : { 'grpc.max_receive_message_length': maxReceiveBytes },
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
  });
}
