import type { Route as WireRoute } from '../../generated/sdn/overlay/v1/overlay.js';
import type { NodeId } from '../types.js';
import { routeHash } from './digest.js';
import type { Advert, PathNode } from './paths.js';

/** This node's best route to `dest`. */
export interface Route {
  readonly dest: NodeId;
  /** Sum of link RTTs plus the hop penalty per hop (ms). */
  readonly costMs: number;
  readonly nextHop: NodeId;
  /** From the next hop (first) to dest (last); a fresh array per read. */
  readonly path: readonly NodeId[];
  readonly recordVersion: number;
}

/** A best route as the router keeps it: its path shared with the advert it came from. */
export class BestRoute implements Route {
  constructor(
    readonly dest: NodeId,
    readonly costMs: number,
    readonly nextHop: NodeId,
    readonly via: PathNode,
    readonly recordVersion: number,
  ) {}

  get path(): readonly NodeId[] {
    return this.via.toArray();
  }
}

/** Told when the best route to a destination appears, changes or goes. */
export type RouteListener = (dest: NodeId, route: Route | undefined, nowMs: number) => void;

/** The advert of `path` (to `dest`, its last node) at this cost and record version: the one last made for the path when it matches. */
export function advertOn(dest: NodeId, path: PathNode, costMs: number, recordVersion: number): Advert {
  const last = path.advert;
  if (last !== undefined && last.costMs === costMs && last.recordVersion === recordVersion) return last;
  const advert = { dest, costMs, path, recordVersion, hash: routeHash(dest, costMs, recordVersion, path) };
  path.advert = advert;
  return advert;
}

/** The wire form of an advert (the encoder only reads it, so one serves every link). */
export function toWire(advert: Advert): WireRoute {
  return { dest: advert.dest, costMs: advert.costMs, path: advert.path.toArray(), recordVersion: advert.recordVersion };
}
