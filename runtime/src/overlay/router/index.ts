/** Path-vector routing between overlay nodes. */
export { Router } from './router.js';
export { type RouterConfig } from './config.js';
export { type Route, type RouteListener } from './route.js';
export { TableDigest, routeHash } from './digest.js';
export { checkAdvert } from './validate.js';
export { type PathNode, PathTable } from './paths.js';
