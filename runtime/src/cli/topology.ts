import type { Command } from 'commander';
import type { Endpoint, GetTopologyResponse, Host, Link, PathResponse } from '../generated/sdn/runtime/v1/topology.js';
import { parseDpid } from './dpid.js';
import { CliInputError } from './errors.js';
import { duration, table, toJson } from './format.js';
import { writeOutput } from './io.js';
import { loadRemote, remoteOptions, type RemoteFlags } from './remote-options.js';

/** `sdn-runtime topology | path SRC DST`: the links and hosts a running runtime discovered. */

/** PathRequest.Weight, spelled out: the generated enum would load with the proto code on `--help`. */
const WEIGHTS = { hops: 0, latency: 1 } as const;

async function print(text: string): Promise<void> {
  await writeOutput(Buffer.from(text), { binary: false });
}

const at = (e: Endpoint | undefined): string => `${(e?.dpid ?? 0n).toString(16).padStart(16, '0')}/${e?.port ?? 0}`;

function linksText(links: readonly Link[], nowMs: number): string {
  const rows = links.map((l) => [at(l.src), at(l.dst), `${l.latencyMs} ms`, String(l.srcNode), duration(nowMs - Number(l.upSinceMs))]);
  return table(['FROM', 'TO', 'LATENCY', 'PROBED BY', 'UP'], rows);
}

function hostsText(hosts: readonly Host[], nowMs: number): string {
  const rows = hosts.map((h) => [h.mac, at(h.location), h.ips.join(', ') || '-', `${duration(nowMs - Number(h.lastSeenMs))} ago`]);
  return table(['MAC', 'AT', 'IPS', 'LAST SEEN'], rows);
}

export function topologyText(r: GetTopologyResponse, nowMs: number): string {
  const links = r.links.length === 0 ? 'no links known\n' : linksText(r.links, nowMs);
  const hosts = r.hosts.length === 0 ? 'no hosts known\n' : hostsText(r.hosts, nowMs);
  return `${links}\n${hosts}`;
}

export function registerTopologyCommands(program: Command): void {
  remoteOptions(program.command('topology').description('the links (one line per direction, with latency) and hosts a running runtime discovered')).action(async (flags: RemoteFlags) => {
    const r = await (await loadRemote(flags, process.env)).topology<object, GetTopologyResponse>('get', {});
    await print(flags.json === true ? toJson(r) : topologyText(r, Date.now()));
  });

  remoteOptions(
    program
      .command('path')
      .description('the shortest chain of discovered links from one switch to another')
      .argument('<src>', 'the first switch: a dpid, hex or decimal')
      .argument('<dst>', 'the last switch')
      .option('--by <weight>', 'hops (fewest links) or latency (least measured latency)', 'hops'),
  )
    .addHelpText('after', '\nExample:\n  sdn-runtime path 0x1 0x3 --by latency')
    .action(async (srcText: string, dstText: string, flags: RemoteFlags & { by: string }) => {
      const weight = WEIGHTS[flags.by as keyof typeof WEIGHTS];
      if (weight === undefined) throw new CliInputError(`--by must be hops or latency, got ${flags.by}`);
      const request = { srcDpid: parseDpid(srcText), dstDpid: parseDpid(dstText), weight };
      const r = await (await loadRemote(flags, process.env)).topology<typeof request, PathResponse>('path', request);
      await print(flags.json === true ? toJson(r) : r.links.length === 0 ? 'the same switch\n' : linksText(r.links, Date.now()));
    });
}
