/**
 * The Open vSwitch end-to-end test harness: a private ovsdb-server and
 * userspace ovs-vswitchd, bridges, and hosts in network namespaces. See README.md.
 */
export { OvsHarness, type HarnessOptions, type PingOptions } from './harness.js';
export type { BridgeOptions, HostOptions } from './topology.js';
export { PingStream, type PingReply, type PingStreamSummary } from './ping-stream.js';
export { parseDumpFlows, type FlowEntry } from './flows.js';
export { OvsHarnessError } from './errors.js';
export { waitFor } from './wait.js';
export { resolvePrograms } from './programs.js';
