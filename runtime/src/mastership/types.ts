/**
 * The vocabulary of switch mastership: what the per-dpid state machine
 * (`machine.ts`) takes in and what it asks its runner to do. Pure data; every
 * time is a millisecond reading of one monotonic clock of this process.
 */

/** Who holds a switch: the node's name and the generation id of its win (the etcd create revision of its key). */
export interface MasterInfo {
  readonly node: string;
  readonly generation: bigint;
}

/** This node's role for one switch, as apps see it. `none`: not decided yet (campaigning, stepping down, or no switch connection). */
export type SwitchRole = 'master' | 'slave' | 'none';

/**
 * Why the role apps see changed (the label of `sdn_runtime_switch_role_changes_total`):
 * - `won`: the switch confirmed this node's MASTER request;
 * - `lost`: another node holds the switch (a campaign lost, its key seen on the watch, or a reconnect to a switch it holds);
 * - `deadline`: the lease was not renewed before the local deadline (TTL minus the margin);
 * - `stale`, `isSlave`: the switch answered OFPRRFC_STALE or OFPBRC_IS_SLAVE;
 * - `roleStatus`: the switch said this node is no longer master (ROLE_STATUS);
 * - `etcdLost`: the node's lease is gone;
 * - `keyDeleted`: the master's key was deleted (it resigned or its lease expired): no master until a new campaign;
 * - `disconnected`: the switch's connection to this node closed, was replaced by a new one, or stayed closed past the grace period;
 * - `campaignFailed`: a campaign transaction failed, so a win seen only on the watch is forgotten (the role stays `none`).
 * Only the first eight change the role itself; the others change only the master this node knows of.
 */
export type RoleChangeCause = 'won' | 'lost' | 'deadline' | 'stale' | 'isSlave' | 'roleStatus' | 'etcdLost' | 'keyDeleted' | 'disconnected' | 'campaignFailed';

export type MastershipPhase =
  /** No connection to the switch from this node (a key it holds is kept for the grace period). */
  | 'disconnected'
  /** Connected, no master known: campaigning (or waiting for a valid lease to campaign). */
  | 'candidate'
  /** Won the campaign, sent ROLE_REQUEST(MASTER, generation), waiting for the switch's ROLE_REPLY. Not writable. */
  | 'claiming'
  /** The switch confirmed MASTER with our generation; writable until the local lease deadline. */
  | 'master'
  /** Lost or gave up mastership: not writable, resigning; waits to see the key deleted or another master. */
  | 'steppingDown'
  /** Another node is master; ROLE_REQUEST(SLAVE, its generation) was sent. */
  | 'slave';

export type MastershipInput =
  /** A switch connection became ready: first connect, reconnect, or ovs-vswitchd restarted (it forgot the generation). */
  | { readonly type: 'switchConnected'; readonly nowMs: number }
  | { readonly type: 'switchDisconnected'; readonly nowMs: number }
  /** etcd acknowledged a lease keepalive that was sent at `sentAtMs` (so etcd's expiry is at least sentAtMs + TTL). */
  | { readonly type: 'leaseRenewed'; readonly sentAtMs: number }
  /** The lease is gone (etcd answered TTL 0, or the client was closed): every key of this node is or will be deleted. */
  | { readonly type: 'etcdLost'; readonly nowMs: number }
  /** The campaign transaction created our key; `generation` is the key's create revision. */
  | { readonly type: 'campaignWon'; readonly generation: bigint; readonly nowMs: number }
  /** The campaign transaction found a key: its holder and create revision. */
  | { readonly type: 'campaignLost'; readonly master: MasterInfo }
  /** The campaign transaction failed (etcd unreachable); retried after a pause. */
  | { readonly type: 'campaignFailed'; readonly nowMs: number }
  /** The watch saw the key created (by anyone, this node included). */
  | { readonly type: 'masterSeen'; readonly master: MasterInfo }
  /** The watch saw the key deleted at `revision` (resigned, or its lease expired). */
  | { readonly type: 'keyDeleted'; readonly revision: bigint }
  | { readonly type: 'roleReply'; readonly role: number; readonly generationId: bigint }
  /** An OFPT_ERROR from the switch (only ROLE_REQUEST_FAILED/STALE and BAD_REQUEST/IS_SLAVE matter here). */
  | { readonly type: 'switchError'; readonly errorType: number; readonly code: number }
  /** The switch says our role changed (OpenFlow 1.4 ROLE_STATUS, or Open vSwitch's ONF extension on 1.3): we were demoted. */
  | { readonly type: 'roleStatus'; readonly role: number; readonly generationId: bigint }
  | { readonly type: 'tick'; readonly nowMs: number };

export type MastershipOutput =
  /** Send OFPT_ROLE_REQUEST with this role and generation id (never EQUAL in HA mode). */
  | { readonly type: 'roleRequest'; readonly role: 'master' | 'slave'; readonly generationId: bigint }
  /** Start or stop writing to the switch (commands from apps, flow-mods of built-in apps). */
  | { readonly type: 'writable'; readonly writable: boolean }
  /** Run the campaign transaction (create the key if absent, on this node's lease). */
  | { readonly type: 'campaign' }
  /** Delete the key if its create revision is still `generation` (never a successor's key). */
  | { readonly type: 'resign'; readonly generation: bigint }
  /** The role apps see, or the master this node knows of, changed; `cause`: the input that changed it. */
  | { readonly type: 'roleChanged'; readonly role: SwitchRole; readonly master: MasterInfo | undefined; readonly cause: RoleChangeCause };

export interface MastershipConfig {
  /** This node's name, as written in the key (unique in the cluster). */
  readonly node: string;
  /** The etcd lease TTL, in ms. */
  readonly leaseTtlMs: number;
  /**
   * Writes stop this long before the lease could expire on etcd's side, in ms:
   * covers the clock-rate difference between this process and the etcd leader
   * and the time between a tick and the write it guards.
   */
  readonly marginMs: number;
  /** A master keeps its key this long after the switch disconnected, so a quick reconnect (ovs-vswitchd restart) re-asserts the same generation. */
  readonly disconnectGraceMs: number;
  /** Pause before a failed campaign transaction is tried again, in ms. */
  readonly campaignRetryMs: number;
}

/** What one switch session does for mastership; called on the event loop, never re-entered. */
export interface MastershipSink {
  /** Send OFPT_ROLE_REQUEST(role, generationId) and feed the answer back (`Mastership.fromSwitch`). */
  sendRoleRequest(role: 'master' | 'slave', generationId: bigint): void;
  /** The role apps see, or the master this node knows of, changed, because of `cause`. */
  onRoleChanged(role: SwitchRole, master: MasterInfo | undefined, cause: RoleChangeCause): void;
}

/** Input the switch gives the machine: answers to ROLE_REQUEST, errors, ROLE_STATUS. */
export type SwitchMastershipInput = Extract<MastershipInput, { readonly type: 'roleReply' | 'switchError' | 'roleStatus' }>;

/** Mastership as the switch registry uses it (implemented by `EtcdMastership`). Main thread only. */
export interface Mastership {
  /** A session for `dpid` became ready on this node; a later call for the same dpid (a reconnect) replaces the sink. */
  attach(dpid: bigint, sink: MastershipSink): void;
  /** The session of `dpid` closed; a detach with a sink that was replaced is ignored. */
  detach(dpid: bigint, sink: MastershipSink): void;
  fromSwitch(dpid: bigint, input: SwitchMastershipInput): void;
  /** Whether a write to `dpid` may be sent now. */
  canWrite(dpid: bigint): boolean;
  /** @throws MastershipError `NOT_MASTER` (naming the master node when one is known) unless `canWrite(dpid)`. */
  assertWritable(dpid: bigint): void;
  /** This node's role for `dpid` and the holder it knows of. */
  status(dpid: bigint): { readonly role: SwitchRole; readonly master: MasterInfo | undefined };
}
