import { readFileSync } from 'node:fs';
import { credentials, Metadata, status, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { ClusterClient } from '../generated/sdn/runtime/v1/cluster.js';
import { PluginsClient } from '../generated/sdn/runtime/v1/plugins.js';
import { SwitchesClient } from '../generated/sdn/runtime/v1/switches.js';
import { TopologyClient } from '../generated/sdn/runtime/v1/topology.js';
import { CliInputError, CliRemoteError } from './errors.js';
import { DEFAULT_TARGET, type RemoteFlags } from './remote-options.js';

/**
 * How the CLI reaches a running runtime over gRPC: target, token and TLS from
 * flags or environment variables, and one place that turns gRPC failures into
 * sentences that say what to do. Loaded by `loadRemote` (remote-options.ts)
 * when a command calls a runtime, so no other command loads gRPC.
 */

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliInputError(`cannot read the ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

type Unary<Req, Res> = (r: Req, m: Metadata, o: { deadline: number }, cb: (err: ServiceError | null, res: Res) => void) => void;

/** The call settings of one CLI run, and one call to the runtime's Switches, Plugins, Topology or Cluster service. */
export class Remote {
  readonly target: string;
  private readonly credentials: ChannelCredentials;
  private readonly metadata = new Metadata();
  private readonly timeoutMs: number;

  /** `defaultTimeoutMs` applies without --timeout-ms. */
  constructor(flags: RemoteFlags, env: NodeJS.ProcessEnv, defaultTimeoutMs = 10_000) {
    this.target = flags.target ?? (env.SDN_RUNTIME_TARGET || DEFAULT_TARGET);
    const token = flags.token ?? env.SDN_RUNTIME_TOKEN;
    if (token !== undefined && token !== '') this.metadata.set('authorization', `Bearer ${token}`);
    this.timeoutMs = flags.timeoutMs === undefined ? defaultTimeoutMs : Number(flags.timeoutMs);
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs <= 0) throw new CliInputError(`--timeout-ms must be a positive integer, got ${flags.timeoutMs}`);
    const ca = flags.ca ?? env.SDN_RUNTIME_CA;
    if ((flags.cert === undefined) !== (flags.key === undefined)) throw new CliInputError('--cert and --key go together');
    if (ca === undefined || ca === '') {
      if (flags.cert !== undefined) throw new CliInputError('--cert needs --ca (TLS)');
      this.credentials = credentials.createInsecure();
    } else {
      this.credentials = credentials.createSsl(read(ca, 'CA file'), flags.key === undefined ? null : read(flags.key, 'key file'), flags.cert === undefined ? null : read(flags.cert, 'certificate file'));
    }
  }

  /**
   * Calls the Switches service's `method` with `request`.
   * @throws CliRemoteError with a sentence for the usual failures.
   */
  call<Req, Res>(method: 'list' | 'get' | 'dumpFlows' | 'status', request: Req): Promise<Res> {
    const client = new SwitchesClient(this.target, this.credentials);
    return this.invoke(client, client[method] as unknown as Unary<Req, Res>, request);
  }

  /**
   * Calls the Plugins service's `method` with `request`.
   * @throws CliRemoteError with a sentence for the usual failures.
   */
  plugins<Req, Res>(method: 'list' | 'get' | 'load' | 'unload' | 'reload', request: Req): Promise<Res> {
    const client = new PluginsClient(this.target, this.credentials);
    return this.invoke(client, client[method] as unknown as Unary<Req, Res>, request);
  }

  /**
   * Calls the Topology service's `method` with `request`.
   * @throws CliRemoteError with a sentence for the usual failures.
   */
  topology<Req, Res>(method: 'get' | 'path', request: Req): Promise<Res> {
    const client = new TopologyClient(this.target, this.credentials);
    return this.invoke(client, client[method] as unknown as Unary<Req, Res>, request);
  }

  /**
   * Calls the Cluster service's `method` with `request`.
   * @throws CliRemoteError with a sentence for the usual failures.
   */
  cluster<Req, Res>(method: 'listNodes' | 'listLinks' | 'listRoutes', request: Req): Promise<Res> {
    const client = new ClusterClient(this.target, this.credentials);
    return this.invoke(client, client[method] as unknown as Unary<Req, Res>, request);
  }

  private invoke<Req, Res>(client: Client, fn: Unary<Req, Res>, request: Req): Promise<Res> {
    const deadline = Date.now() + this.timeoutMs;
    return new Promise<Res>((resolve, reject) => {
      fn.call(client, request, this.metadata, { deadline }, (err, res) => (err === null ? resolve(res) : reject(this.explain(err))));
    }).finally(() => client.close());
  }

  private explain(err: ServiceError): CliRemoteError {
    switch (err.code) {
      case status.UNAVAILABLE:
        return new CliRemoteError(`cannot reach the runtime at ${this.target}: is \`sdn-runtime serve\` running? (${err.details.replace(/\.? ?Resolution note:.*$/, '')})`, { cause: err });
      case status.DEADLINE_EXCEEDED:
        return new CliRemoteError(`the runtime at ${this.target} did not answer within ${this.timeoutMs} ms`, { cause: err });
      case status.UNAUTHENTICATED:
        return new CliRemoteError(`the runtime refused the token: ${err.details} (give --token or SDN_RUNTIME_TOKEN)`, { cause: err });
      case status.PERMISSION_DENIED:
        // A missing scope is fixed with another token; other refusals (a plugin path outside the allowed folders) say their own remedy.
        if (sdnErrorCode(err) !== 'API_PERMISSION_DENIED') return new CliRemoteError(err.details, { cause: err });
        return new CliRemoteError(`${err.details} (use a token that has it: --token or SDN_RUNTIME_TOKEN)`, { cause: err });
      default:
        return new CliRemoteError(err.details, { cause: err });
    }
  }
}

/**
 * The runtime's stable error code of a refusal (`API_PERMISSION_DENIED`, ...), sent
 * in the `sdn-error-code` metadata (api/status.ts's ERROR_CODE_METADATA_KEY, spelled
 * out here: the CLI loads no more than gRPC for a remote command).
 */
export function sdnErrorCode(err: ServiceError): string | undefined {
  const value = err.metadata?.get('sdn-error-code')[0];
  return typeof value === 'string' ? value : undefined;
}
