import type { NodeRecord } from '../../generated/sdn/overlay/v1/overlay.js';

export interface RecordLimits {
  readonly maxDpids: number;
  readonly maxAliases: number;
  readonly maxPatterns: number;
  readonly maxLinks: number;
  /** Longest alias (UTF-16 units). */
  readonly maxAliasLength: number;
}

/** Switch interests: entries per record, and the longest kind (the kinds are serve's AppEvent types, not read here). */
const MAX_INTERESTS = 16;
const MAX_INTEREST_KIND_LENGTH = 64;

const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]*$/u;

/** Why a node record is refused, or undefined when it is acceptable (patterns are checked by pubsub/). */
export function checkRecord(limits: RecordLimits, record: NodeRecord): string | undefined {
  if (record.version === 0) return 'version 0';
  if (record.dpids.length > limits.maxDpids) return `${record.dpids.length} dpids, over ${limits.maxDpids}`;
  if (record.aliases.length > limits.maxAliases) return `${record.aliases.length} aliases, over ${limits.maxAliases}`;
  if (record.patterns.length > limits.maxPatterns) return `${record.patterns.length} patterns, over ${limits.maxPatterns}`;
  if (record.links.length > limits.maxLinks) return `${record.links.length} links, over ${limits.maxLinks}`;
  if (record.switchInterests.length > MAX_INTERESTS) return `${record.switchInterests.length} switch interests, over ${MAX_INTERESTS}`;
  let interestDpids = 0;
  for (const interest of record.switchInterests) {
    if (interest.kind.length === 0 || interest.kind.length > MAX_INTEREST_KIND_LENGTH) return `a switch interest's kind is not 1..${MAX_INTEREST_KIND_LENGTH} characters`;
    interestDpids += interest.dpids.length;
  }
  if (interestDpids > limits.maxDpids) return `${interestDpids} dpids in switch interests, over ${limits.maxDpids}`;
  for (const alias of record.aliases) {
    const problem = checkAlias(limits, alias);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Why `interests` cannot be announced, or undefined (the bounds a receiver checks). */
export function checkSwitchInterests(limits: RecordLimits, interests: NodeRecord['switchInterests']): string | undefined {
  return checkRecord(limits, { version: 1, dpids: [], aliases: [], patterns: [], links: [], switchInterests: interests });
}

/** @returns why `alias` cannot be announced, or undefined. */
export function checkAlias(limits: RecordLimits, alias: string): string | undefined {
  return alias.length > limits.maxAliasLength || !ALIAS.test(alias) ? `alias ${JSON.stringify(alias.slice(0, 80))} is not 1..${limits.maxAliasLength} of [A-Za-z0-9._-] starting with a letter or digit` : undefined;
}
