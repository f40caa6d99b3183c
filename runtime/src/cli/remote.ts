import type { Command } from 'commander';
import type { DumpFlowsResponse, ListSwitchesResponse, StatusResponse } from '../generated/sdn/runtime/v1/switches.js';
import { parseDpid } from './dpid.js';
import { CliInputError } from './errors.js';
import { duration, flowsTable, table, toJson } from './format.js';
import { writeOutput } from './io.js';
import { loadRemote, remoteOptions, type RemoteFlags } from './remote-options.js';

/** `sdn-runtime switches | flows DPID | status`: a running runtime, asked over gRPC. */

async function print(text: string): Promise<void> {
  await writeOutput(Buffer.from(text), { binary: false });
}

/** SwitchRole values as the table shows them (the generated enum's numbers; its import would load the codec for --help). */
const ROLE_NAMES: Readonly<Record<number, string>> = { 0: '-', 1: 'master', 2: 'slave', 3: 'none' };

function switchesText(r: ListSwitchesResponse, nowMs: number): string {
  if (r.switches.length === 0) return 'no switches connected\n';
  const rows = r.switches.map((s) => [
    s.dpidHex,
    s.version === 4 ? '1.3' : `0x0${s.version}`,
    s.remote,
    String(s.ports.length),
    String(s.nTables),
    duration(nowMs - Number(s.connectedAtMs)),
    ROLE_NAMES[s.role] ?? String(s.role),
    s.masterNode === '' ? '-' : s.masterNode,
    s.generation === 0n ? '-' : s.generation.toString(),
    s.desc === undefined ? '' : `${s.desc.mfrDesc} ${s.desc.swDesc}`.trim(),
  ]);
  return table(['DPID', 'OPENFLOW', 'REMOTE', 'PORTS', 'TABLES', 'UP', 'ROLE', 'MASTER', 'GENERATION', 'DESCRIPTION'], rows);
}

function statusText(s: StatusResponse): string {
  return table(
    ['NODE', s.nodeId],
    [
      ['version', s.version],
      ['uptime', duration(Number(s.uptimeMs))],
      ['switches', String(s.switches)],
      ['apps', String(s.apps)],
      ['last seq', s.lastSeq.toString()],
      ['ports', `openflow ${s.openflowPort}, grpc ${s.grpcPort}, http ${s.httpPort}`],
    ],
  );
}

export function registerRemoteCommands(program: Command): void {
  remoteOptions(program.command('switches').description('list the switches connected to a running runtime')).action(async (flags: RemoteFlags) => {
    const r = await (await loadRemote(flags, process.env)).call<object, ListSwitchesResponse>('list', {});
    await print(flags.json === true ? toJson(r) : switchesText(r, Date.now()));
  });

  remoteOptions(
    program
      .command('flows')
      .description("print a switch's flow table")
      .argument('<dpid>', 'the switch: hex (0x1a, 000000000000001a, 00:00:00:00:00:00:00:1a) or decimal (26)')
      .option('--table <id>', 'only this table'),
  )
    .addHelpText('after', '\nExample:\n  sdn-runtime flows 0x1 --table 0')
    .action(async (dpidText: string, flags: RemoteFlags & { table?: string }) => {
      const dpid = parseDpid(dpidText);
      const tableId = flags.table === undefined ? undefined : Number(flags.table);
      if (tableId !== undefined && !(Number.isInteger(tableId) && tableId >= 0 && tableId <= 254)) throw new CliInputError(`--table must be a table id from 0 to 254, got ${flags.table}`);
      const r = await (await loadRemote(flags, process.env)).call<{ dpid: bigint; tableId?: number }, DumpFlowsResponse>('dumpFlows', tableId === undefined ? { dpid } : { dpid, tableId });
      await print(flags.json === true ? toJson(r) : r.flows.length === 0 ? 'no flows\n' : flowsTable(r.flows));
    });

  remoteOptions(program.command('status').description("a running runtime's node id, version, uptime, counts and ports")).action(async (flags: RemoteFlags) => {
    const r = await (await loadRemote(flags, process.env)).call<object, StatusResponse>('status', {});
    await print(flags.json === true ? toJson(r) : statusText(r));
  });
}
