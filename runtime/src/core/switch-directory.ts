import type { DescStats, FeaturesReply, MessageBody, OfpMessage, Port } from '../openflow/index.js';
import type { AdmitEncoded } from '../switch/connection-types.js';

/** A message value without the header fields the runtime fills in (version, xid). */
export type Command = MessageBody;

/** What the directory knows about a switch; `ports` follows PORT_STATUS. */
export interface SwitchView {
  readonly dpid: bigint;
  /** The node the switch is connected to (core/node.ts). */
  readonly node: number;
  readonly version: number;
  readonly remote: string;
  readonly features: FeaturesReply;
  readonly desc: DescStats | undefined;
  readonly ports: ReadonlyMap<number, Port>;
  /** Milliseconds since the epoch when the handshake finished. */
  readonly connectedAt: number;
}

/** Commands to one switch. Promises reject with SwitchRequestError (the switch said no) or SwitchUnavailableError. */
export interface SwitchHandle {
  readonly dpid: bigint;
  /** The node the switch is connected to: commands to a switch of another node travel there. */
  readonly node: number;
  readonly version: number;
  /** Fire and forget: coalesced with other sends of this turn into one write. */
  send(command: Command): void;
  /**
   * `send` of a command already encoded: one whole OpenFlow message in the
   * switch's `version` (header xid ignored: a fresh one goes in), written as
   * it is, so nothing decodes it to encode it again. A layer that must look
   * inside a command (ownership confines flow-mods) decodes the ones it needs.
   * @throws OfpEncodeError when the header is not `version` and the message's length.
   */
  sendEncoded(message: Buffer): void;
  /**
   * Present where this process holds the switch's connection: `send` of a
   * command that `admit` may still refuse once it sees it encoded
   * (`bytes[start..end)`, the whole message in the switch's `version`, valid
   * during the call). Encoded once, where it is sent from; a refusal is thrown
   * and nothing is sent. A switch that refuses the command (busy, not master)
   * does so before `admit` is called. Ownership confines flow-mods this way:
   * its ledger keys a flow from the bytes that go to the switch.
   * @throws what `send` throws, or what `admit` throws.
   */
  readonly sendAdmitted?: (command: Command, admit: AdmitEncoded) => void;
  /** Resolves when a barrier proves the switch applied the command. */
  sendConfirmed(command: Command): Promise<void>;
  /** Resolves with the reply (a multipart reply's parts, in order). */
  request(command: Command): Promise<readonly OfpMessage[]>;
  /** Resolves when every command sent before it has been processed. */
  barrier(): Promise<void>;
  /**
   * Present when the switch's node confines apps' commands itself (a switch of
   * another node whose build does): `app`'s handle, whose commands go as the
   * app wrote them, named as the app, to be confined and checked there against
   * the one ledger of the switch, so apps of every node are checked against each
   * other. Refusals reject (throw nothing: a `send` refused there is counted and
   * logged there). Absent: this node confines (core/ownership.ts).
   */
  readonly forApp?: (app: AppIdentity) => AppSwitchHandle;
}

/** Where an app runs: its name is the runtime's (in-process apps, plugins) or any API client's. */
export type AppKind = 'process' | 'plugin' | 'client';

/** An app as the node that runs it knows it: its name, its kind and the id this node gives it. */
export interface AppIdentity {
  readonly id: number;
  readonly name: string;
  readonly kind: AppKind;
}

/** A switch's handle for one app, where the switch's node confines. */
export interface AppSwitchHandle extends SwitchHandle {
  /** Deletes every flow of the app on the switch (and the switch's node forgets them); resolves when the switch confirmed. */
  removeFlows(): Promise<void>;
}

/**
 * Who may write to a switch. Without mastership (`serve --mastership none`)
 * this node is the switch's only controller: role `master`, no master node
 * name, no generation. With `--mastership etcd`: `master` (this node writes and
 * publishes the switch's events), `slave` (another node does: `masterNode`),
 * or `none` (not decided yet: campaigning, stepping down).
 */
export interface SwitchRoleView {
  readonly role: 'master' | 'slave' | 'none';
  /** The master's node name (HA only), when one is known. */
  readonly masterNode: string | undefined;
  /** The generation id of the master's win (the etcd revision; HA only). */
  readonly generation: bigint | undefined;
}

/**
 * "Which switch is dpid X?", answered in one place for every layer (in-process
 * apps, the gRPC API, the plugin host). Today the one implementation is the
 * local `SwitchRegistry` (which knows, with mastership, which node is master of
 * each switch: `role(dpid)`); a directory that also knows other nodes' switches
 * stands in behind the same interface. Main thread only; answers are current as of the
 * call (a handle of a switch that has since gone rejects with SwitchUnavailableError).
 */
export interface SwitchDirectory {
  /** The switch's handle, or undefined when no switch with that dpid is connected. */
  lookup(dpid: bigint): SwitchHandle | undefined;
  /** The switch's view, or undefined when no switch with that dpid is connected. */
  view(dpid: bigint): SwitchView | undefined;
  /** Every connected switch, in the order they connected. */
  list(): readonly SwitchView[];
  /** This node's role for the switch, or undefined when no switch with that dpid is connected. */
  role(dpid: bigint): SwitchRoleView | undefined;
}
