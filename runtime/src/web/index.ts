/**
 * The live web view of the network on the HTTP port: the page, its read-only
 * JSON and its event stream (README.md). Wired by serve/.
 */
export { WebView, webAccess, TOKEN_COOKIE, type WebAccess, type WebViewOptions } from './web-view.js';
export { WebError, WEB_ERROR_STATUS, type WebErrorCode } from './errors.js';
export { LIST_CAPS, type NodeInfo } from './views.js';
export type { EventFeed, SseLimits } from './sse-clients.js';
