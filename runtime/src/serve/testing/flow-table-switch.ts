import type { Command, SwitchDirectory, SwitchHandle, SwitchView } from '../../core/index.js';
import { decodeMessage, OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPTT_ALL, type FeaturesReply, type FlowMod, type OfpMessage, type Port } from '../../openflow/index.js';
import { matchBits, matchCovers, matchesEqual } from '../../ownership/index.js';

/** A flow as the fake switch holds it. */
export interface TableFlow {
  readonly tableId: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly flags: number;
  readonly match: FlowMod['match'];
}

/** An OpenFlow 1.3 switch's view, connected to `node`. */
export function switchView(dpid: bigint, node: number): SwitchView & { ports: Map<number, Port> } {
  const features: FeaturesReply = { type: 'FeaturesReply', version: 4, xid: 0, datapathId: dpid, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0, reserved: 0 };
  return { dpid, node, version: 4, remote: '10.0.0.1:6633', features, desc: undefined, ports: new Map(), connectedAt: 1000 };
}

/**
 * One switch as a directory, with a flow table that applies flow-mods as a
 * switch does what these tests need: an add replaces the flow of the same
 * table, priority and match; a delete removes the flows whose cookie matches
 * under the cookie mask and whose match the delete's covers (strict: equals,
 * at the same priority), in one table or all. Modifies and other commands are
 * only recorded (`sent`).
 */
export class FlowTableSwitch implements SwitchDirectory {
  readonly flows: TableFlow[] = [];
  readonly sent: Command[] = [];

  constructor(readonly theView: SwitchView) {}

  lookup(dpid: bigint): SwitchHandle | undefined {
    if (dpid !== this.theView.dpid) return undefined;
    return {
      dpid,
      node: this.theView.node,
      version: this.theView.version,
      send: (command) => this.apply(command),
      sendEncoded: (message) => this.apply(decodeMessage(message) as Command),
      sendConfirmed: (command) => {
        this.apply(command);
        return Promise.resolve();
      },
      request: (command) => {
        this.apply(command);
        return Promise.resolve([] as OfpMessage[]);
      },
      barrier: () => Promise.resolve(),
    };
  }

  view(dpid: bigint): SwitchView | undefined {
    return dpid === this.theView.dpid ? this.theView : undefined;
  }

  list(): readonly SwitchView[] {
    return [this.theView];
  }

  role(): undefined {
    return undefined;
  }

  private apply(command: Command): void {
    this.sent.push(command);
    if (command.type !== 'FlowMod') return;
    const mod = command as FlowMod;
    const bits = matchBits(mod.match);
    const sameTable = (f: TableFlow): boolean => mod.tableId === OFPTT_ALL || f.tableId === mod.tableId;
    if (mod.command === OFPFC_ADD) {
      const at = this.flows.findIndex((f) => f.tableId === mod.tableId && f.priority === mod.priority && matchesEqual(matchBits(f.match), bits));
      const flow = { tableId: mod.tableId, priority: mod.priority, cookie: mod.cookie, flags: mod.flags, match: mod.match };
      if (at >= 0) this.flows[at] = flow;
      else this.flows.push(flow);
      return;
    }
    if (mod.command !== OFPFC_DELETE && mod.command !== OFPFC_DELETE_STRICT) return;
    const strict = mod.command === OFPFC_DELETE_STRICT;
    const selected = (f: TableFlow): boolean =>
      sameTable(f) &&
      (f.cookie & mod.cookieMask) === (mod.cookie & mod.cookieMask) &&
      (strict ? f.priority === mod.priority && matchesEqual(matchBits(f.match), bits) : matchCovers(bits, matchBits(f.match)));
    for (let i = this.flows.length - 1; i >= 0; i--) if (selected(this.flows[i]!)) this.flows.splice(i, 1);
  }
}
