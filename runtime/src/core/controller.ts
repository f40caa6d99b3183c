import type { Logger } from 'pino';
import type { App, AppContext, AppScope } from './app-types.js';
import type { EventBus } from './event-bus.js';
import { layoutTables } from '../ownership/index.js';
import type { AppKind, Ownership } from './ownership.js';
import type { SwitchDirectory } from './switch-directory.js';

export interface ControllerOptions {
  /** This node's id (node.ts). */
  readonly node: number;
  readonly log: Logger;
  /** The switches apps reach. */
  readonly switches: SwitchDirectory;
  /** Where apps subscribe to switch events. */
  readonly bus: EventBus;
  /** Confines each app's commands to its own flows (docs/apps-sharing-a-switch.md); absent: apps reach `switches` as they are. */
  readonly ownership?: Ownership;
}

/**
 * The node's in-process apps: starts each with its context (the directory, the
 * bus under the app's name, a logger) and stops them in reverse order. It knows
 * no switch itself: whatever directory and bus it is given (today the local
 * registry and its bus) are what every app sees. Main thread only.
 */
export class Controller {
  private readonly node: number;
  private readonly switches: SwitchDirectory;
  private readonly bus: EventBus;
  private readonly apps: App[] = [];
  private readonly log: Logger;
  private readonly ownership: Ownership | undefined;

  constructor(options: ControllerOptions) {
    this.ownership = options.ownership;
    this.node = options.node;
    this.log = options.log;
    this.switches = options.switches;
    this.bus = options.bus;
  }

  /** Starts an in-process app; its handlers see the events they subscribe to from now on. */
  async use(app: App): Promise<void> {
    await app.start(this.contextFor(app));
    this.apps.push(app);
    this.log.info({ app: app.name }, 'app started');
  }

  async stopApps(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) await app.stop?.();
  }

  private contextFor(app: App): AppContext {
    const scope = (name: string, kind: AppKind = 'process'): AppScope =>
      this.ownership?.scope(name, this.switches, kind) ?? {
        name,
        id: 0,
        switches: this.switches,
        removeFlows: () => Promise.resolve([]),
        declareTables: (tables) => layoutTables([{ app: name, tables }]).ids,
        limitFlows: () => {},
      };
    const own = scope(app.name);
    return {
      log: this.log.child({ app: app.name }),
      node: this.node,
      switches: own.switches,
      apps: { own, scope, unconfined: this.switches },
      subscribe: (kinds, handler, filter) => this.bus.subscribe(app.name, kinds, handler, filter),
    };
  }
}
