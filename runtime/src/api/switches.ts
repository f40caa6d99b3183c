import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { SwitchDirectory, SwitchView } from '../core/index.js';
import { SdnError } from '../errors.js';
import { formatDpid, OFPG_ANY, OFPP_ANY, OFPTT_ALL } from '../openflow/index.js';
import type { SwitchesServer } from '../generated/sdn/runtime/v1/switches.js';
import { requireScope, type Authenticator } from './auth.js';
import { fromStatsReply, fromSwitchView } from './convert/index.js';
import { orDefault } from './convert/validate.js';
import { ApiNotFoundError } from './errors.js';
import { toServiceError } from './status.js';

/** What the Switches service reads; serve/runtime.ts provides it. */
export interface SwitchesContext {
  readonly auth: Authenticator;
  readonly log: Logger;
  readonly switches: SwitchDirectory;
  status(): {
    readonly nodeId: string;
    readonly version: string;
    readonly uptimeMs: number;
    readonly apps: number;
    readonly lastSeq: number;
    readonly openflowPort: number;
    readonly grpcPort: number;
    readonly httpPort: number;
  };
}

/**
 * A unary handler: authorizes `scope`, runs `body`, and answers with its value or
 * the mapped status. Errors that are not SdnErrors are runtime bugs: logged.
 */
export function unary<Req, Res>(auth: Authenticator, log: Logger, scope: Parameters<typeof requireScope>[1], what: string, body: (req: Req) => Res | Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    (async () => {
      requireScope(auth.identify(call.metadata), scope, what);
      return body(call.request);
    })().then(
      (res) => callback(null, res),
      (err: unknown) => {
        if (!(err instanceof SdnError)) log.error({ err, call: what }, 'gRPC call failed inside the runtime');
        callback(toServiceError(err));
      },
    );
  };
}

function view(ctx: SwitchesContext, dpid: bigint): SwitchView {
  const found = ctx.switches.view(dpid);
  if (found === undefined) throw new ApiNotFoundError(`no switch with dpid ${formatDpid(dpid)} is connected`);
  return found;
}

/** The Switches service: List, Get, DumpFlows, Status (scope events:read). */
export function switchesService(ctx: SwitchesContext): SwitchesServer {
  const call = <Req, Res>(what: string, body: (req: Req) => Res | Promise<Res>) => unary(ctx.auth, ctx.log, 'events:read', what, body);
  return {
    list: call('Switches.List', () => ({ switches: [...ctx.switches.list()].sort((a, b) => (a.dpid < b.dpid ? -1 : 1)).map((v) => fromSwitchView(v, ctx.switches.role(v.dpid))) })),
    get: call('Switches.Get', (req: { dpid: bigint }) => fromSwitchView(view(ctx, req.dpid), ctx.switches.role(req.dpid))),
    dumpFlows: call('Switches.DumpFlows', async (req: { dpid: bigint; tableId?: number | undefined }) => {
      const handle = ctx.switches.lookup(req.dpid);
      if (handle === undefined) throw new ApiNotFoundError(`no switch with dpid ${formatDpid(req.dpid)} is connected`);
      const body = { type: 'flow' as const, tableId: orDefault(req.tableId, OFPTT_ALL, 8, 'table_id'), outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] };
      const parts = await handle.request({ type: 'MultipartRequest', flags: 0, body });
      const reply = fromStatsReply('flow', parts);
      return { flows: reply.kind?.$case === 'flow' ? reply.kind.value.stats : [] };
    }),
    status: call('Switches.Status', () => {
      const s = ctx.status();
      return {
        nodeId: s.nodeId,
        version: s.version,
        uptimeMs: BigInt(Math.max(0, Math.round(s.uptimeMs))),
        switches: ctx.switches.list().length,
        apps: s.apps,
        lastSeq: BigInt(s.lastSeq),
        openflowPort: s.openflowPort,
        grpcPort: s.grpcPort,
        httpPort: s.httpPort,
      };
    }),
  };
}
