import type { Hello } from '../openflow/index.js';

/**
 * OpenFlow version negotiation (OpenFlow 1.3.5 6.3.1). When both sides sent a
 * version bitmap, the version is the highest one both have; otherwise it is the
 * smaller of the two header versions, which the receiver must support.
 *
 * @returns the negotiated wire version, or undefined when there is none in common.
 */
export function negotiateVersion(ours: readonly number[], theirs: Hello): number | undefined {
  const bitmap = theirs.elements.find((e) => e.type === 'versionBitmap');
  if (bitmap !== undefined && bitmap.type === 'versionBitmap') {
    let best: number | undefined;
    for (const v of bitmap.versions) if (ours.includes(v) && (best === undefined || v > best)) best = v;
    return best;
  }
  const candidate = Math.min(Math.max(...ours), theirs.version);
  return ours.includes(candidate) ? candidate : undefined;
}
