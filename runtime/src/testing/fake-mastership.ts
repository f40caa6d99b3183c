import { MastershipError, type MasterInfo, type Mastership, type MastershipSink, type RoleChangeCause, type SwitchMastershipInput, type SwitchRole } from '../mastership/index.js';

/**
 * A Mastership a test steers by hand: `become(dpid, role, master)` sets the role
 * and tells the attached sink; what the registry fed back from the switch is in
 * `fromSwitchInputs`. No etcd, no machine.
 */
export class FakeMastership implements Mastership {
  readonly sinks = new Map<bigint, MastershipSink>();
  readonly detached: bigint[] = [];
  readonly fromSwitchInputs: { dpid: bigint; input: SwitchMastershipInput }[] = [];
  private readonly roles = new Map<bigint, { role: SwitchRole; master: MasterInfo | undefined }>();

  attach(dpid: bigint, sink: MastershipSink): void {
    this.sinks.set(dpid, sink);
  }

  detach(dpid: bigint, sink: MastershipSink): void {
    if (this.sinks.get(dpid) !== sink) return;
    this.sinks.delete(dpid);
    this.detached.push(dpid);
  }

  fromSwitch(dpid: bigint, input: SwitchMastershipInput): void {
    this.fromSwitchInputs.push({ dpid, input });
  }

  canWrite(dpid: bigint): boolean {
    return this.roles.get(dpid)?.role === 'master';
  }

  assertWritable(dpid: bigint): void {
    if (!this.canWrite(dpid)) throw new MastershipError('NOT_MASTER', `not master of ${dpid}; the master is node ${this.roles.get(dpid)?.master?.node ?? 'unknown'}`);
  }

  status(dpid: bigint): { role: SwitchRole; master: MasterInfo | undefined } {
    return this.roles.get(dpid) ?? { role: 'none', master: undefined };
  }

  /** Sets the role of `dpid` and tells its sink, as the machine's `roleChanged` output would (`cause`: `won` for master, `lost` otherwise unless given). */
  become(dpid: bigint, role: SwitchRole, master: MasterInfo | undefined, cause: RoleChangeCause = role === 'master' ? 'won' : 'lost'): void {
    this.roles.set(dpid, { role, master });
    this.sinks.get(dpid)?.onRoleChanged(role, master, cause);
  }
}
