import type { SwitchDirectory, SwitchHandle, SwitchRoleView, SwitchView } from './switch-directory.js';

/**
 * This node's switches and other nodes' switches behind one `SwitchDirectory`:
 * a dpid this node is master of is served by `local`; one connected here too
 * but mastered elsewhere (mastership: this node is `slave`) by `remote` when
 * the master announced it, so commands travel to the master; any other by
 * `remote`. `view` and `role` prefer the local answer. `list()` is the local
 * switches in connection order, then the remote ones. Main thread only.
 */
export class MergedDirectory implements SwitchDirectory {
  constructor(
    private readonly local: SwitchDirectory,
    private readonly remote: SwitchDirectory,
  ) {}

  lookup(dpid: bigint): SwitchHandle | undefined {
    if (this.local.role(dpid)?.role === 'master') return this.local.lookup(dpid);
    return this.remote.lookup(dpid) ?? this.local.lookup(dpid);
  }

  view(dpid: bigint): SwitchView | undefined {
    return this.local.view(dpid) ?? this.remote.view(dpid);
  }

  list(): readonly SwitchView[] {
    const local = this.local.list();
    const remote = this.remote.list();
    if (remote.length === 0) return local;
    return [...local, ...remote.filter((view) => this.local.view(view.dpid) === undefined)];
  }

  role(dpid: bigint): SwitchRoleView | undefined {
    return this.local.role(dpid) ?? this.remote.role(dpid);
  }
}
