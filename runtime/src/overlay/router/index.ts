/** Path-vector routing between overlay nodes. */
export { Router, type Route, type RouteListener, type RouterConfig } from './router.js';
export { TableDigest, routeHash } from './digest.js';
export { checkAdvert } from './validate.js';
export { type PathNode, PathTable } from './paths.js';
