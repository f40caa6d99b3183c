import type { SwitchDirectory, SwitchHandle, SwitchRoleView, SwitchView } from './switch-directory.js';

/**
 * This node's switches and other nodes' switches behind one `SwitchDirectory`:
 * a dpid connected here is served by `local` (a switch connected to two nodes
 * is driven through the one the caller is on), any other by `remote`. `list()`
 * is the local switches in connection order, then the remote ones. Main thread only.
 */
export class MergedDirectory implements SwitchDirectory {
  constructor(
    private readonly local: SwitchDirectory,
    private readonly remote: SwitchDirectory,
  ) {}

  lookup(dpid: bigint): SwitchHandle | undefined {
    return this.local.lookup(dpid) ?? this.remote.lookup(dpid);
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
