import { ACTION_TYPE_NUMBERS, OFP_ACTION_EXPERIMENTER_HEADER_SIZE, OFP_ACTION_HEADER_SIZE, OFP_ACTION_OUTPUT_SIZE } from '../actions.js';
import { isNiciraActionType, NX_EXPERIMENTER_ID, type NXActionType } from '../nicira/index.js';
import { matchWireLength, OFP_MATCH_HEADER_SIZE } from '../oxm.js';
import type { Action, ActionId } from '../structs.js';
import { base64, type Field, type Spec, struct, type Struct, u16, u32, u8 } from './fields.js';
import { checkDerived, classed, fail, readClassed, type RyuJson } from './json.js';
import { niciraActionFromRyu, niciraActionLength, niciraActionToRyu, niciraTypeOfClass } from './nicira.js';
import { oxmFromRyu, oxmToRyu } from './oxm.js';

/**
 * Actions (OFPAction*) and table-feature action ids (OFPActionId). Ryu shows
 * each action's `type` number and `len`; both are derived here from the value.
 *
 * Nicira actions of a modelled subtype are Ryu's NXAction* classes (nicira.ts).
 * Other experimenter actions stay opaque: a Nicira one is Ryu's
 * `NXActionUnknown {subtype, data}`, any other `OFPActionExperimenterUnknown
 * {experimenter, data}`.
 */

type SimpleType = Exclude<Action['type'], 'setField' | 'experimenter' | NXActionType>;
type Body<K extends Action['type']> = Omit<Extract<Action, { type: K }>, 'type'>;

interface SimpleMapping<K extends SimpleType> {
  readonly cls: string;
  readonly len: number;
  readonly fields: Struct<Body<K>>;
}

function simple<K extends SimpleType>(cls: string, len: number, spec: Spec<Body<K>>): SimpleMapping<K> {
  return { cls, len, fields: struct<Body<K>>(spec) };
}

const SIMPLE: { readonly [K in SimpleType]: SimpleMapping<K> } = {
  output: simple('OFPActionOutput', OFP_ACTION_OUTPUT_SIZE, { port: u32, maxLen: u16 }),
  copyTtlOut: simple('OFPActionCopyTtlOut', OFP_ACTION_HEADER_SIZE, {}),
  copyTtlIn: simple('OFPActionCopyTtlIn', OFP_ACTION_HEADER_SIZE, {}),
  setMplsTtl: simple('OFPActionSetMplsTtl', OFP_ACTION_HEADER_SIZE, { mplsTtl: u8 }),
  decMplsTtl: simple('OFPActionDecMplsTtl', OFP_ACTION_HEADER_SIZE, {}),
  pushVlan: simple('OFPActionPushVlan', OFP_ACTION_HEADER_SIZE, { ethertype: u16 }),
  popVlan: simple('OFPActionPopVlan', OFP_ACTION_HEADER_SIZE, {}),
  pushMpls: simple('OFPActionPushMpls', OFP_ACTION_HEADER_SIZE, { ethertype: u16 }),
  popMpls: simple('OFPActionPopMpls', OFP_ACTION_HEADER_SIZE, { ethertype: u16 }),
  setQueue: simple('OFPActionSetQueue', OFP_ACTION_HEADER_SIZE, { queueId: u32 }),
  group: simple('OFPActionGroup', OFP_ACTION_HEADER_SIZE, { groupId: u32 }),
  setNwTtl: simple('OFPActionSetNwTtl', OFP_ACTION_HEADER_SIZE, { nwTtl: u8 }),
  decNwTtl: simple('OFPActionDecNwTtl', OFP_ACTION_HEADER_SIZE, {}),
  pushPbb: simple('OFPActionPushPbb', OFP_ACTION_HEADER_SIZE, { ethertype: u16 }),
  popPbb: simple('OFPActionPopPbb', OFP_ACTION_HEADER_SIZE, {}),
};

const SIMPLE_BY_CLASS = new Map<string, SimpleType>(
  (Object.keys(SIMPLE) as SimpleType[]).map((type) => [SIMPLE[type].cls, type]),
);

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes of `a` on the wire (ofp_action_header.len). */
export function actionLength(a: Action): number {
  if (isNiciraActionType(a.type)) return niciraActionLength(a as Extract<Action, { type: NXActionType }>);
  switch (a.type) {
    case 'setField':
      return pad8(4 + matchWireLength([a.field]) - OFP_MATCH_HEADER_SIZE);
    case 'experimenter':
      return pad8(OFP_ACTION_EXPERIMENTER_HEADER_SIZE + a.data.length);
    default:
      return SIMPLE[a.type].len;
  }
}

export function actionsLength(actions: readonly Action[]): number {
  return actions.reduce((sum, a) => sum + actionLength(a), 0);
}

export function actionToRyu(a: Action): RyuJson {
  if (isNiciraActionType(a.type)) return niciraActionToRyu(a as Extract<Action, { type: NXActionType }>, action);
  const header = { type: ACTION_TYPE_NUMBERS[a.type], len: actionLength(a) };
  switch (a.type) {
    case 'setField':
      return classed('OFPActionSetField', { ...header, field: oxmToRyu(a.field) });
    case 'experimenter':
      if (a.experimenter === NX_EXPERIMENTER_ID && a.data.length >= 2) {
        const subtype = (a.data[0]! << 8) | a.data[1]!;
        return classed('NXActionUnknown', { ...header, experimenter: a.experimenter, subtype, data: base64.to(a.data.subarray(2)) });
      }
      return classed('OFPActionExperimenterUnknown', { ...header, experimenter: a.experimenter, data: base64.to(a.data) });
    default: {
      const m = SIMPLE[a.type] as SimpleMapping<SimpleType>;
      const body: Record<string, RyuJson> = { ...header };
      m.fields.write(a as Body<SimpleType>, body);
      return classed(m.cls, body);
    }
  }
}

export function actionFromRyu(j: RyuJson, path: string): Action {
  const { name, body } = readClassed(j, path);
  const niciraType = niciraTypeOfClass(name);
  if (niciraType !== undefined) return niciraActionFromRyu(niciraType, body, path, action);
  let a: Action;
  const simpleType = SIMPLE_BY_CLASS.get(name);
  if (simpleType !== undefined) {
    a = { type: simpleType, ...SIMPLE[simpleType].fields.read(body) } as Action;
  } else if (name === 'OFPActionSetField') {
    a = { type: 'setField', field: oxmFromRyu(body.get('field'), body.at('field')) };
  } else if (name === 'OFPActionExperimenterUnknown') {
    a = {
      type: 'experimenter',
      experimenter: u32.from(body.get('experimenter'), body.at('experimenter')),
      data: base64.from(body.get('data'), body.at('data')),
    };
  } else if (name === 'NXActionUnknown') {
    const experimenter = body.opt('experimenter');
    if (experimenter !== undefined && experimenter !== NX_EXPERIMENTER_ID) fail(body.at('experimenter'), `NXActionUnknown is Nicira's (${NX_EXPERIMENTER_ID})`);
    const subtype = u16.from(body.get('subtype'), body.at('subtype'));
    const data = base64.from(body.get('data'), body.at('data'));
    a = { type: 'experimenter', experimenter: NX_EXPERIMENTER_ID, data: Buffer.concat([Buffer.from([subtype >>> 8, subtype & 0xff]), data]) };
  } else {
    return fail(path, `unknown action class ${name}`);
  }
  checkDerived(body, 'type', ACTION_TYPE_NUMBERS[a.type]);
  checkDerived(body, 'len', actionLength(a));
  body.done();
  return a;
}

export const action: Field<Action> = { to: actionToRyu, from: actionFromRyu };

// ---------------------------------------------------------------- table-feature action ids

/** Bytes of an action id: type and len, plus the experimenter body when present. */
export function actionIdLength(id: ActionId): number {
  return 4 + (id.data?.length ?? 0);
}

/** `OFPActionId {type, len}`; `data` (base64) only when the id carries an experimenter body, which Ryu drops. */
export function actionIdToRyu(id: ActionId): RyuJson {
  const body: Record<string, RyuJson> = { type: id.type, len: actionIdLength(id) };
  if (id.data !== undefined && id.data.length > 0) body['data'] = base64.to(id.data);
  return classed('OFPActionId', body);
}

export function actionIdFromRyu(j: RyuJson, path: string): ActionId {
  const { name, body } = readClassed(j, path);
  if (name !== 'OFPActionId') fail(path, `expected an OFPActionId, got ${name}`);
  const type = u16.from(body.get('type'), body.at('type'));
  const data = body.has('data') ? base64.from(body.get('data'), body.at('data')) : undefined;
  const id: ActionId = data === undefined ? { type } : { type, data };
  checkDerived(body, 'len', actionIdLength(id));
  body.done();
  return id;
}
