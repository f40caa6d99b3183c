import type { Etcd3, IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse } from 'etcd3';

/** What the lease tells its owner; every time is a reading of the owner's `nowMs` clock. */
export interface LeaseListener {
  /** etcd acknowledged a grant or keepalive sent at `sentAtMs`: the lease lives at least until sentAtMs + TTL on etcd's side. */
  onRenewed(sentAtMs: number): void;
  /** etcd says the lease is gone (expired or revoked): every key on it is deleted. A new lease is granted next. */
  onLost(): void;
  /** A grant or keepalive failed or went unanswered (etcd unreachable); the local deadline takes care of safety. */
  onFailure(error: unknown): void;
}

export interface NodeLeaseOptions {
  readonly client: Etcd3;
  /** TTL asked of etcd, in whole seconds (etcd's unit; it may raise a TTL below its minimum). */
  readonly ttlSeconds: number;
  /** Bound on each grant and keepalive round trip, in ms. */
  readonly requestTimeoutMs: number;
  readonly nowMs: () => number;
  readonly listener: LeaseListener;
}

/**
 * This node's etcd lease, kept alive by our own timer every TTL/3. The `etcd3`
 * package has a lease helper, but it declares a lease lost only after twice
 * its TTL (etcd3 #155); here each keepalive is one short stream (one request,
 * one answer, bounded by `requestTimeoutMs`), and its send time is reported,
 * so the owner computes its own deadline from what etcd really acknowledged.
 */
export class NodeLease {
  private id: string | undefined;
  private granting = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: NodeLeaseOptions) {}

  /** The lease id etcd chose, once granted. */
  get leaseId(): string | undefined {
    return this.id;
  }

  /** Grants the lease (rejects when etcd cannot be reached) and starts the keepalive timer. */
  async start(): Promise<void> {
    await this.grant();
    this.timer = setInterval(() => this.beat(), Math.max(100, Math.floor((this.options.ttlSeconds * 1000) / 3)));
  }

  private async grant(): Promise<void> {
    this.granting = true;
    const sentAtMs = this.options.nowMs();
    try {
      const response = await this.options.client.leaseClient.leaseGrant({ TTL: this.options.ttlSeconds });
      if (this.closed) return;
      this.id = response.ID;
      this.options.listener.onRenewed(sentAtMs);
    } finally {
      this.granting = false;
    }
  }

  private beat(): void {
    if (this.closed) return;
    if (this.id === undefined) {
      if (!this.granting) this.grant().catch((error: unknown) => this.options.listener.onFailure(error));
      return;
    }
    const id = this.id;
    const sentAtMs = this.options.nowMs();
    this.keepAlive(id).then(
      (ttl) => {
        if (this.closed || this.id !== id) return;
        if (ttl > 0) return this.options.listener.onRenewed(sentAtMs);
        this.id = undefined;
        this.options.listener.onLost();
      },
      (error: unknown) => {
        if (!this.closed) this.options.listener.onFailure(error);
      },
    );
  }

  /**
   * One keepalive: the TTL etcd answered (0: the lease is gone). Rejects on a
   * stream error, or when no answer came within `requestTimeoutMs` of the call
   * (opening the stream included), so a hung connection holds nothing for long.
   */
  private keepAlive(id: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let done = false;
      let stream: IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse> | undefined;
      const finish = (settle: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timeout);
        // The cancel ends the stream with CANCELLED: `done` ignores it.
        stream?.cancel();
        settle();
      };
      const timeout = setTimeout(() => finish(() => reject(new Error(`etcd lease keepalive unanswered after ${this.options.requestTimeoutMs} ms`))), this.options.requestTimeoutMs);
      this.options.client.leaseClient.leaseKeepAlive().then(
        (opened) => {
          if (done) {
            opened.on('error', () => undefined);
            opened.cancel();
            return;
          }
          stream = opened;
          opened.on('data', (response: ILeaseKeepAliveResponse) => finish(() => resolve(Number(response.TTL))));
          opened.on('error', (error: unknown) => finish(() => reject(error)));
          opened.on('end', () => finish(() => reject(new Error('etcd ended the lease keepalive stream'))));
          opened.write({ ID: id });
        },
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  /** Stops the keepalives and, when `revoke`, revokes the lease (its keys go at once). Never throws. */
  async close(revoke: boolean): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const id = this.id;
    this.id = undefined;
    if (revoke && id !== undefined) await this.options.client.leaseClient.leaseRevoke({ ID: id }).catch(() => undefined);
  }
}
