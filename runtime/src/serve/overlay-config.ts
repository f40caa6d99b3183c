import { nodeIdOf } from '../core/index.js';
import { OverlayError, parseSeeds, type Seed } from '../overlay/index.js';
import { ConfigError } from './config-error.js';
import { envName, type ServeConfig } from './config.js';
import { isLoopback } from './exposure.js';

/** The overlay's part of the serve configuration. */
export type OverlaySettings = Pick<ServeConfig, 'overlayHost' | 'overlayPort' | 'seeds' | 'nodeAliases' | 'overlayTlsCa' | 'overlayTlsCert' | 'overlayTlsKey' | 'overlayInsecure'>;

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function flag(key: keyof ServeConfig, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0' || text === '') return false;
  throw new ConfigError(`${key} (env ${envName(key)}) must be true or false, got ${JSON.stringify(value)}`);
}

/** True when the configuration asks for the overlay: a port or seeds. */
export function overlayEnabled(c: OverlaySettings): boolean {
  return c.overlayPort !== undefined || c.seeds.length > 0;
}

/** The seeds of `nodeName`'s node, parsed (load-config checked them). @throws OverlayError `OVERLAY_SEED` */
export function overlaySeeds(c: OverlaySettings, nodeName: string): Seed[] {
  return parseSeeds(c.seeds.join(','), nodeIdOf(nodeName));
}

/**
 * Checks the overlay options. Links are mutual TLS from the cluster CA; without
 * the three TLS files the overlay starts only when asked for plain TCP
 * (`overlayInsecure`) and both its listener and every seed are on loopback,
 * like the gRPC API's rule (exposure.ts): a plain overlay link carries pubsub
 * and routes that anyone on the path could read or forge.
 * @throws ConfigError naming the option and what to do.
 */
export function overlaySettings(c: Record<keyof ServeConfig, unknown>, nodeName: string, optionalPath: (v: unknown) => string | undefined): OverlaySettings {
  const portText = optionalPath(c.overlayPort);
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new ConfigError(`overlayPort must be an integer from 0 to 65535, got ${JSON.stringify(c.overlayPort)}`);
  const settings: OverlaySettings = {
    overlayHost: String(c.overlayHost),
    overlayPort: port,
    seeds: list(c.seeds),
    nodeAliases: list(c.nodeAliases),
    overlayTlsCa: optionalPath(c.overlayTlsCa),
    overlayTlsCert: optionalPath(c.overlayTlsCert),
    overlayTlsKey: optionalPath(c.overlayTlsKey),
    overlayInsecure: flag('overlayInsecure', c.overlayInsecure),
  };
  let seeds: Seed[];
  try {
    seeds = overlaySeeds(settings, nodeName);
  } catch (err) {
    if (err instanceof OverlayError) throw new ConfigError(`--seeds (env ${envName('seeds')}): ${err.message}`, { cause: err });
    throw err;
  }
  const tlsGiven = [settings.overlayTlsCa, settings.overlayTlsCert, settings.overlayTlsKey].filter((v) => v !== undefined).length;
  if (tlsGiven !== 0 && tlsGiven !== 3) throw new ConfigError('overlayTlsCa, overlayTlsCert and overlayTlsKey go together: the cluster CA, this node\'s certificate (CN or DNS SAN: its --node-id) and its key');
  if (!overlayEnabled(settings) || tlsGiven === 3) return settings;
  const wide = [settings.overlayHost, ...seeds.map((s) => s.host)].filter((h) => !isLoopback(h));
  if (!settings.overlayInsecure) {
    throw new ConfigError(`the overlay (--overlay-port or --seeds) needs mutual TLS: --overlay-tls-ca (the cluster CA), --overlay-tls-cert (this node's certificate, CN ${JSON.stringify(nodeName)}) and --overlay-tls-key; or, on one machine only, --overlay-insecure with --overlay-host 127.0.0.1 and loopback seeds`);
  }
  if (wide.length > 0) {
    throw new ConfigError(`--overlay-insecure is for loopback only, but ${wide.map((h) => JSON.stringify(h)).join(', ')} ${wide.length === 1 ? 'is' : 'are'} not loopback: bind --overlay-host 127.0.0.1 with loopback seeds, or use --overlay-tls-ca, --overlay-tls-cert and --overlay-tls-key`);
  }
  return settings;
}
