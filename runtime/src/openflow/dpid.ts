/** A datapath id as users see it (logs, errors, the CLI, WIT text): 16 lowercase hex digits. */
export function formatDpid(dpid: bigint): string {
  return dpid.toString(16).padStart(16, '0');
}
