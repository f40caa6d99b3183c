import type { AppEvent } from '../core/index.js';
import type { NodeId, OverlayOutput, Route } from '../overlay/index.js';

/** What node events read of the overlay node at the moment it reports (OverlayNode has this shape). */
export interface NodeEventSource {
  route(dest: NodeId): Pick<Route, 'costMs'> | undefined;
}

/**
 * Turns the overlay's reachability reports into `nodeUp` / `nodeDown` events on
 * the EventBus (core/event-kinds.ts, the `node` rows), for in-process apps and
 * API clients. Fed every overlay output in order (`OverlayRunner.onOutput`),
 * synchronously; event loop thread only.
 *
 * A node whose direct link closed is reported `linkDown` with the link's close
 * reason (the overlay reports `neighbour-down` before the route loss it causes);
 * one whose last route through other nodes was lost, `noRoute`. Outputs come
 * after the overlay call that made them, so at a `neighbour-down` the route
 * table already says whether the node is still reachable through others: the
 * link's reason is kept only when it is not (then its `node-unreachable`
 * follows), at most one per node.
 */
export class NodeEvents {
  private readonly linkDowns = new Map<NodeId, string>();

  constructor(
    /** This node's id (the events' `node`). */
    private readonly self: number,
    private readonly overlay: NodeEventSource,
    private readonly bus: { publish(event: AppEvent): void },
  ) {}

  onOutput(output: OverlayOutput): void {
    switch (output.kind) {
      case 'neighbour-up':
        this.linkDowns.delete(output.node);
        return;
      case 'neighbour-down':
        if (this.overlay.route(output.node) === undefined) this.linkDowns.set(output.node, `${output.reason.code}: ${output.reason.detail}`);
        return;
      case 'node-reachable':
        this.bus.publish({ type: 'nodeUp', node: this.self, nodeId: output.node, aliases: output.aliases ?? [], costMs: this.overlay.route(output.node)?.costMs ?? 0 });
        return;
      case 'node-unreachable': {
        const link = this.linkDowns.get(output.node);
        this.linkDowns.delete(output.node);
        this.bus.publish({ type: 'nodeDown', node: this.self, nodeId: output.node, aliases: output.aliases ?? [], reason: link === undefined ? 'noRoute' : 'linkDown', detail: link ?? '' });
        return;
      }
      default:
        return;
    }
  }
}
