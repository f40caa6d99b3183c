import { OwnershipError } from './errors.js';

/** A flow table an app asks for: its name and the tables packets must pass before it. */
export interface TableDeclaration {
  /** Unique on the node: "acl", "l2". 1..64 characters. */
  readonly name: string;
  /** Names of tables that come before this one (declared by this app or another). */
  readonly after?: readonly string[];
}

/** The app that declared a set of tables. */
export interface AppTables {
  readonly app: string;
  readonly tables: readonly TableDeclaration[];
}

/** Table name -> table id, and the owner of each name. */
export interface TableLayout {
  readonly ids: ReadonlyMap<string, number>;
  readonly owners: ReadonlyMap<string, string>;
  /** Names in table-id order (index = table id - first). */
  readonly order: readonly string[];
}

/** OpenFlow 1.3 table ids run 0..254 (255 is OFPTT_ALL). */
export const MAX_TABLE_ID = 254;
const MAX_NAME_LENGTH = 64;

/**
 * Assigns table ids to every declared table (VLCP's model): a table comes after
 * every table in its `after`, ids are consecutive from `first` (0: the table
 * every packet starts in) in a topological order; among tables whose
 * predecessors are all placed, the one declared first (by app order, then
 * declaration order) goes first, so the same declarations always give the same
 * ids. Pure.
 * @throws OwnershipError `tables`: a name declared twice, a predecessor nobody
 *   declared, a cycle, an empty or too long name, more tables than ids.
 */
export function layoutTables(apps: readonly AppTables[], first = 0): TableLayout {
  const owners = new Map<string, string>();
  const preds = new Map<string, readonly string[]>();
  for (const { app, tables } of apps) {
    for (const t of tables) {
      if (t.name.length === 0 || t.name.length > MAX_NAME_LENGTH) throw new OwnershipError('tables', app, `table name "${t.name}" must have 1..${MAX_NAME_LENGTH} characters`);
      const holder = owners.get(t.name);
      if (holder !== undefined) throw new OwnershipError('tables', app, `table "${t.name}" is already declared by app ${holder}`);
      owners.set(t.name, app);
      preds.set(t.name, t.after ?? []);
    }
  }
  for (const [name, after] of preds) {
    for (const p of after) if (!preds.has(p)) throw new OwnershipError('tables', owners.get(name)!, `table "${name}" comes after "${p}", which no app declared`);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  const pending = [...preds.keys()];
  while (pending.length > 0) {
    const i = pending.findIndex((name) => preds.get(name)!.every((p) => placed.has(p)));
    if (i < 0) throw new OwnershipError('tables', owners.get(pending[0]!)!, `tables ${pending.map((n) => `"${n}"`).join(', ')} come after each other in a cycle`);
    const [name] = pending.splice(i, 1);
    order.push(name!);
    placed.add(name!);
  }
  if (first + order.length - 1 > MAX_TABLE_ID) {
    throw new OwnershipError('tables', apps[apps.length - 1]?.app ?? '', `${order.length} tables from table ${first} do not fit in table ids up to ${MAX_TABLE_ID}`);
  }
  return { ids: new Map(order.map((name, i) => [name, first + i])), owners, order };
}

/**
 * The table id of `name` for a goto-table or a flow-mod of `app`.
 * @throws OwnershipError `tables` when the layout has no such table.
 */
export function tableId(layout: TableLayout, app: string, name: string): number {
  const id = layout.ids.get(name);
  if (id === undefined) throw new OwnershipError('tables', app, `no table "${name}" is declared`);
  return id;
}

/**
 * The table after `name` in the layout (where an app's last table sends packets
 * on), or undefined for the last one: then a packet that leaves it has reached
 * the end of the pipeline.
 */
export function nextTable(layout: TableLayout, name: string): number | undefined {
  const id = layout.ids.get(name);
  if (id === undefined) return undefined;
  const i = layout.order.indexOf(name);
  return i + 1 < layout.order.length ? id + 1 : undefined;
}
