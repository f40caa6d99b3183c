import { SdnError } from '../../errors.js';

/**
 * Anything the Open vSwitch test harness could not do: a missing program, a
 * command that failed (its argv and stderr are in the message), a daemon that did
 * not answer before its deadline, a name that does not fit a Linux interface.
 * Tests should let it fail the test: it is never a reason to skip.
 */
export class OvsHarnessError extends SdnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OVS_HARNESS', message, options);
  }
}
