import type { Logger } from 'pino';
import type { Mastership, MastershipSink } from '../mastership/index.js';
import { openflowRole } from '../mastership/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import { formatDpid, OfpDecodeError, onfRoleStatus, type OfpMessage } from '../openflow/index.js';
import { SwitchRequestError, type SwitchSession } from '../switch/session.js';
import type { Command, SwitchHandle } from './switch-directory.js';

/** Commands that change a switch: refused on a node that is not its master (reads and barriers are not). */
const WRITES: ReadonlySet<Command['type']> = new Set(['FlowMod', 'GroupMod', 'PortMod', 'TableMod', 'MeterMod', 'PacketOut', 'SetConfig']);
/** A refused write is logged at most once per switch per this many milliseconds (each is counted). */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * The switch registry's side of mastership (`serve --mastership etcd`): ROLE_REQUESTs
 * for the state machine and their answers fed back, ROLE_STATUS and errors from
 * the switch, and the write check of a switch's handle. Main thread only.
 */
export class SwitchRoles {
  private readonly refusalLogged = new Map<bigint, number>();

  constructor(
    readonly mastership: Mastership,
    private readonly log: Logger,
    private readonly metrics: RuntimeMetrics,
  ) {}

  /** The sink of one session: ROLE_REQUEST through `session`, answers back to the machine while `current()` says the session is live. */
  sink(session: SwitchSession, current: () => boolean, onRoleChanged: MastershipSink['onRoleChanged']): MastershipSink {
    const dpid = session.dpid!;
    return {
      sendRoleRequest: (role, generationId) => {
        session.request({ type: 'RoleRequest', role: openflowRole(role), generationId }).then(
          (replies) => {
            const reply = replies[0];
            if (current() && reply?.type === 'RoleReply') this.mastership.fromSwitch(dpid, { type: 'roleReply', role: reply.role, generationId: reply.generationId });
          },
          (err: unknown) => {
            if (!current()) return;
            if (err instanceof SwitchRequestError && err.error.type === 'Error') {
              this.mastership.fromSwitch(dpid, { type: 'switchError', errorType: err.error.errorType, code: err.error.code });
            }
            // Anything else (no answer, the connection closed) leaves the machine
            // where it was: not writable until an answer; a new session asks again.
          },
        );
      },
      onRoleChanged,
    };
  }

  /** A message of the switch that matters to mastership: errors (IS_SLAVE of a write) and ROLE_STATUS. */
  fromSwitch(dpid: bigint, message: OfpMessage): void {
    if (message.type === 'Error') this.mastership.fromSwitch(dpid, { type: 'switchError', errorType: message.errorType, code: message.code });
    if (message.type !== 'Experimenter') return;
    try {
      const status = onfRoleStatus(message);
      if (status !== undefined) this.mastership.fromSwitch(dpid, { type: 'roleStatus', role: status.role, generationId: status.generationId });
    } catch (err) {
      if (!(err instanceof OfpDecodeError)) throw err;
      this.metrics.errors.inc({ cause: 'malformed' });
      this.log.warn({ dpid: formatDpid(dpid), err }, 'a ROLE_STATUS from the switch does not decode; ignored');
    }
  }

  /** `handle` with its writes checked: on a node that is not the switch's master they throw (send) or reject with MastershipError NOT_MASTER. */
  guard(handle: SwitchHandle): SwitchHandle {
    const check = (command: Command): void => {
      if (!WRITES.has(command.type)) return;
      try {
        this.mastership.assertWritable(handle.dpid);
      } catch (err) {
        this.refused(handle.dpid, err);
        throw err;
      }
    };
    const checked = <T>(command: Command, run: () => Promise<T>): Promise<T> => {
      try {
        check(command);
      } catch (err) {
        const refused = Promise.reject(err as Error);
        // Like the handle's own promises: an app that ignores it must not end the process.
        refused.catch(() => {});
        return refused;
      }
      return run();
    };
    return {
      ...handle,
      send: (command) => {
        check(command);
        handle.send(command);
      },
      // Taken as a write without decoding it: what reaches this as bytes is a plugin's command (a flow-mod, a packet-out, ...).
      sendEncoded: (message) => {
        try {
          this.mastership.assertWritable(handle.dpid);
        } catch (err) {
          this.refused(handle.dpid, err);
          throw err;
        }
        handle.sendEncoded(message);
      },
      // The spread above copied the unguarded one: a handle without it has none.
      sendAdmitted:
        handle.sendAdmitted === undefined
          ? undefined
          : (command, admit) => {
              check(command);
              handle.sendAdmitted!(command, admit);
            },
      sendConfirmed: (command) => checked(command, () => handle.sendConfirmed(command)),
      request: (command) => checked(command, () => handle.request(command)),
    };
  }

  private refused(dpid: bigint, err: unknown): void {
    this.metrics.errors.inc({ cause: 'notMaster' });
    const now = performance.now();
    if (now - (this.refusalLogged.get(dpid) ?? Number.NEGATIVE_INFINITY) < REFUSAL_LOG_INTERVAL_MS) return;
    this.refusalLogged.set(dpid, now);
    this.log.warn({ dpid: formatDpid(dpid), err }, 'a write to a switch this node is not master of was refused (further ones within a minute are only counted)');
  }
}
