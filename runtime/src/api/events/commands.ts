import type { Command as CodecCommand, SwitchDirectory, SwitchHandle } from '../../core/index.js';
import { SdnError } from '../../errors.js';
import { encodeMessage, formatDpid, OfpEncodeError, type OfpMessage } from '../../openflow/index.js';
import type { PubSubBus } from '../../pubsub/index.js';
import type { KvStore } from '../../store/index.js';
import { SwitchRequestError } from '../../switch/session.js';
import type { Command, CommandError, CommandResult } from '../../generated/sdn/runtime/v1/events.js';
import { requireScope, type Principal } from '../auth.js';
import {
  fromErrorMessage,
  fromStatsReply,
  fromTxnResult,
  snake,
  toFlowMod,
  toGroupMod,
  toMeterMod,
  toPacketOut,
  toPortMod,
  toPubSubMessage,
  toRawMessage,
  toRoleRequest,
  toStatsRequest,
  toTableMod,
  toTxn,
  UnexpectedReplyError,
} from '../convert/index.js';
import { ApiInputError, ApiNotFoundError } from '../errors.js';
import { commandErrorCodeOf } from '../status.js';

/**
 * Commands from the event stream, run against the node: OpenFlow commands through
 * the switch's SwitchHandle (the same API in-process apps use), publish through
 * the PubSubBus, kv_txn through the KvStore. Each resolves with the result or
 * rejects with an SdnError that `toCommandError` turns into a CommandError.
 */

export interface CommandTargets {
  readonly switches: SwitchDirectory;
  readonly bus: PubSubBus;
  readonly store: KvStore;
}

export type ResultKind = NonNullable<CommandResult['kind']>;

const OK: ResultKind = { $case: 'ok', value: {} };

/**
 * Runs `c` for `p`. Without a correlation id nobody waits for the result, so a
 * `confirm` mod is sent plainly: a switch error then arrives as a SWITCH_ERROR
 * event instead of being swallowed by a confirmation no one reads.
 * A command that completes at once (a mod or packet-out handed to the switch's
 * connection, a publish) returns its result, or throws, synchronously; the
 * others (confirmations, requests, barriers, KV transactions) return a promise.
 * A learning switch sends two such commands per packet-in: three promises per
 * command were a tenth of the runtime's CPU.
 */
export function runCommand(c: Command, p: Principal, targets: CommandTargets): ResultKind | Promise<ResultKind> {
  const k = c.kind;
  if (k === undefined) throw new ApiInputError('command', 'no command given (flow_mod, packet_out, stats, publish, ...)');
  switch (k.$case) {
    case 'publish': {
      requireScope(p, 'pubsub', 'command publish');
      return { $case: 'publish', value: { delivered: targets.bus.publish(toPubSubMessage(k.value.message, 'command.publish.message')) } };
    }
    case 'kvTxn':
      requireScope(p, 'kv:write', 'command kv_txn');
      return runTxn(k.value, targets.store);
    default:
      break;
  }
  const name = snake(k.$case);
  const path = `command.${name}`;
  requireScope(p, 'flows:write', `command ${name}`);
  const sw = targets.switches.lookup(c.dpid);
  if (sw === undefined) throw new ApiNotFoundError(`no switch with dpid ${formatDpid(c.dpid)} is connected`);
  const confirm = c.confirm && c.correlationId !== '';
  switch (k.$case) {
    case 'flowMod':
      return send(sw, toFlowMod(k.value, path), confirm, path);
    case 'packetOut':
      return send(sw, toPacketOut(k.value, path), confirm, path);
    case 'groupMod':
      return send(sw, toGroupMod(k.value, path), confirm, path);
    case 'meterMod':
      return send(sw, toMeterMod(k.value, path), confirm, path);
    case 'portMod':
      return send(sw, toPortMod(k.value, path), confirm, path);
    case 'tableMod':
      return send(sw, toTableMod(k.value, path), confirm, path);
    case 'barrier':
      return sw.barrier().then(() => OK);
    case 'stats':
      return stats(sw, toStatsRequest(k.value, path));
    case 'role':
      return role(sw, toRoleRequest(k.value, path));
    case 'raw': {
      const message = toRawMessage(k.value.message, sw.version, `${path}.message`);
      if (!c.expectReply) return send(sw, message, confirm, path);
      return sw.request(message).then((parts) => ({ $case: 'raw', value: { messages: parts.map((m: OfpMessage) => encodeMessage(m)) } }));
    }
  }
}

async function runTxn(t: Extract<NonNullable<Command['kind']>, { $case: 'kvTxn' }>['value'], store: KvStore): Promise<ResultKind> {
  const txn = toTxn(t, 'command.kv_txn');
  return { $case: 'kvTxn', value: fromTxnResult(await store.txn(txn.compares, txn.success, txn.failure)) };
}

async function stats(sw: SwitchHandle, request: CodecCommand): Promise<ResultKind> {
  const parts = await sw.request(request);
  const asked = (request as Extract<CodecCommand, { type: 'MultipartRequest' }>).body.type;
  // An ONF flow-monitor request (typed only on the request side) is answered with an experimenter body.
  return { $case: 'stats', value: fromStatsReply(asked === 'onfFlowMonitor' ? 'experimenter' : asked, parts) };
}

async function role(sw: SwitchHandle, request: CodecCommand): Promise<ResultKind> {
  const [reply] = await sw.request(request);
  if (reply?.type !== 'RoleReply') throw new UnexpectedReplyError(`expected ROLE_REPLY, got ${reply?.type ?? 'nothing'}`);
  return { $case: 'role', value: { role: reply.role, generationId: reply.generationId } };
}

/** Hands `message` to the switch's connection (synchronous), or sends it with a confirming barrier (a promise). */
function send(sw: SwitchHandle, message: CodecCommand, confirm: boolean, path: string): ResultKind | Promise<ResultKind> {
  try {
    if (!confirm) {
      sw.send(message);
      return OK;
    }
    return sw.sendConfirmed(message).then(
      () => OK,
      (err: unknown) => {
        throw encodeFailure(err, path);
      },
    );
  } catch (err) {
    throw encodeFailure(err, path);
  }
}

/** The codec is the last check (message size, ...); its error names its own field. */
function encodeFailure(err: unknown, path: string): unknown {
  return err instanceof OfpEncodeError ? new ApiInputError(path, err.message, { cause: err }) : err;
}

/** A failed command as the CommandError the client gets; the switch's OFPT_ERROR decoded when there is one. */
export function toCommandError(err: unknown): CommandError {
  if (err instanceof SwitchRequestError) {
    const openflow = fromErrorMessage(err.error);
    return { code: commandErrorCodeOf(err), message: `the switch refused the command: ${openflow.description}`, openflow };
  }
  return { code: commandErrorCodeOf(err), message: err instanceof SdnError ? err.message : 'internal error in the runtime (see its log)', openflow: undefined };
}
