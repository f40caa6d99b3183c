import { SdnError } from '../../errors.js';

/**
 * JSON that is not a valid Ryu `to_jsondict` document for a message we model:
 * malformed JSON, a missing or unexpected key, a value of the wrong kind or out
 * of range, or a derived field (len, length, type) that disagrees with the
 * structure. `path` locates the offending value, e.g.
 * `$.OFPFlowMod.instructions[0].OFPInstructionActions.actions[1].OFPActionOutput.port`.
 */
export class OfpJsonError extends SdnError {
  readonly path: string;

  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super('OFP_JSON', `${path}: ${detail}`, options);
    this.path = path;
  }
}
