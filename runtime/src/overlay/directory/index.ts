/** What each node owns (dpids), its names (aliases), its links, and the visualization snapshot. */
export { Directory, type DirectoryConfig, type DirectoryContext, type LinkView, type OverlaySnapshot } from './directory.js';
export { checkAlias, checkRecord, checkSwitchInterests, type RecordLimits } from './validate.js';
