import type { Command, SwitchDirectory } from '../core/index.js';
import { decodeMessage, formatDpid, OFPT_BARRIER_REQUEST } from '../openflow/index.js';
import type { PluginMetrics } from '../observability/metrics.js';
import type { PubSubMessage } from '../pubsub/index.js';
import type { PluginLogGate } from './log-gate.js';
import type { PluginManifest } from './manifest.js';
import type { PluginCounters } from './status.js';
import { HOST_INTERFACES, type Outputs, type WireCommand } from './wire.js';

/** What applying a plugin's outputs needs from the runtime. */
export interface OutputSink {
  readonly switches: SwitchDirectory;
  publish(message: PubSubMessage): void;
}

/**
 * Carries out what one `handle` (or `initialize`) produced, on the main thread:
 * commands go to their switches in order, publishes to the bus, log lines to the
 * log (through the plugin's log gate), counts to the counters and metrics. A problem is counted and reported to
 * `problem` (which logs each cause once); nothing here throws.
 *
 * Commands are checked here against `manifest`, whichever way the guest made
 * them (`send`, or returned from `handle`): without the openflow capability
 * none is sent, and with a `switches` list only those to the listed switches.
 */
export function applyOutputs(
  plugin: string,
  manifest: Pick<PluginManifest, 'capabilities' | 'switches'>,
  o: Outputs,
  sink: OutputSink,
  counters: PluginCounters,
  metrics: PluginMetrics,
  logs: PluginLogGate,
  problem: (cause: string, message: string) => void,
): void {
  for (let i = 0; i < HOST_INTERFACES.length; i++) {
    const calls = o.hostCalls[i]!;
    const denied = o.denied[i]!;
    if (calls === 0 && denied === 0) continue;
    const iface = HOST_INTERFACES[i]!;
    if (calls > 0) {
      counters.hostCalls[iface]! += calls;
      metrics.hostCalls.inc({ plugin, capability: iface }, calls);
    }
    if (denied > 0) {
      counters.denied[iface]! += denied;
      metrics.deniedCalls.inc({ plugin, capability: iface }, denied);
      problem(`denied:${iface}`, `called ${iface} beyond what its manifest grants (the capability, or keys outside its kvPrefixes); ${denied} call(s) refused`);
    }
  }
  if (o.invalid > 0) {
    counters.commandsInvalid += o.invalid;
    metrics.commandsRejected.inc({ plugin, reason: 'invalid' }, o.invalid);
    problem('invalidCommand', `returned ${o.invalid} invalid command(s); the first: ${o.firstInvalidReason}`);
  }
  if (o.cut > 0) {
    counters.commandsCut += o.cut;
    metrics.commandsRejected.inc({ plugin, reason: 'overLimit' }, o.cut);
    problem('overLimit', `produced more commands than maxCommandsPerBatch allows; ${o.cut} were cut`);
  }
  const commands = permitted(o.commands, manifest, (cause, n, message) => {
    counters.denied['openflow']! += n;
    metrics.deniedCalls.inc({ plugin, capability: 'openflow' }, n);
    metrics.commandsRejected.inc({ plugin, reason: 'denied' }, n);
    problem(cause, message);
  });
  if (commands.length > 0) {
    let sent = 0;
    let undeliverable = 0;
    const failedLater = (why: string): void => {
      counters.commandsUndeliverable++;
      metrics.commandsRejected.inc({ plugin, reason: 'undeliverable' });
      problem('undeliverable', why);
    };
    for (const c of commands) {
      const why = sendCommand(c.dpid, c.message, sink, failedLater);
      if (why === undefined) sent++;
      else {
        undeliverable++;
        problem('undeliverable', why);
      }
    }
    // Counted once per batch, in the plugin's tally (a labelled prom-client update costs about as much as sending the command).
    if (sent > 0) {
      counters.commands += sent;
      metrics.tally(plugin).commands += sent;
    }
    if (undeliverable > 0) {
      counters.commandsUndeliverable += undeliverable;
      metrics.commandsRejected.inc({ plugin, reason: 'undeliverable' }, undeliverable);
    }
  }
  for (const p of o.publishes) sink.publish({ subject: p.subject, payload: p.payload, headers: { plugin } });
  const nowMs = performance.now();
  for (const l of o.logs) logs.write(l.level, l.text, nowMs);
  logs.drop(o.logsDropped);
}

/** The commands `manifest` allows; the others are reported to `refuse`, by cause. */
function permitted(commands: WireCommand[], manifest: Pick<PluginManifest, 'capabilities' | 'switches'>, refuse: (cause: string, n: number, message: string) => void): WireCommand[] {
  if (commands.length === 0) return commands;
  if (!manifest.capabilities.has('openflow')) {
    refuse('denied:openflow', commands.length, `returned ${commands.length} OpenFlow command(s), but its manifest does not grant openflow; none was sent`);
    return [];
  }
  const switches = manifest.switches;
  if (switches === undefined) return commands;
  const allowed = commands.filter((c) => switches.has(c.dpid));
  const outside = commands.length - allowed.length;
  if (outside > 0) {
    const first = commands.find((c) => !switches.has(c.dpid))!;
    refuse('denied:switch', outside, `sent ${outside} command(s) to switches its manifest does not list (the first to ${formatDpid(first.dpid)}); they were not sent`);
  }
  return allowed;
}

/**
 * Hands one command to its switch's connection; returns why it could not, or
 * undefined. `failedLater` is called if a barrier it asked for fails afterwards.
 * The worker encoded the command for OpenFlow 1.3: to a switch of that version
 * the bytes go as they are (the connection puts a fresh xid in), so nothing
 * here decodes them; the handle's own layers decode what they must look into
 * (ownership: flow-mods). To a switch of another version the command is
 * decoded and the connection encodes it in the switch's version.
 */
function sendCommand(dpid: bigint, bytes: Buffer, sink: OutputSink, failedLater: (why: string) => void): string | undefined {
  const sw = sink.switches.lookup(dpid);
  if (sw === undefined) return `sent a command to switch ${formatDpid(dpid)}, which is not connected`;
  try {
    if (bytes[1] === OFPT_BARRIER_REQUEST) sw.barrier().catch((err: unknown) => failedLater(`a barrier on ${formatDpid(dpid)} failed: ${(err as Error).message}`));
    else if (bytes[0] === sw.version) sw.sendEncoded(bytes);
    else sw.send(decodeMessage(bytes) as Command);
    return undefined;
  } catch (err) {
    return `a command for ${formatDpid(dpid)} cannot be sent on its connection: ${(err as Error).message}`;
  }
}
