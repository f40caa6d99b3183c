import { readFileSync } from 'node:fs';
import { SCOPES, type Scope, type TokenConfig } from '../api/index.js';
import { ConfigError } from './config-error.js';

/**
 * API tokens from the config file's `tokens` and the tokens file: a JSON array of
 * `{ "name": "...", "token": "..." | "tokenFile": "path", "scopes": [...] }`.
 * A token read from `tokenFile` has surrounding whitespace (the final newline) removed.
 */

/** Shorter tokens are guessable; 16 characters of a random token are plenty. */
const MIN_TOKEN_LENGTH = 16;

function entry(raw: unknown, where: string): TokenConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where} must be an object { name, token | tokenFile, scopes }`);
  const { name, token, tokenFile, scopes, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown key "${unknown[0]}" (keys: name, token, tokenFile, scopes)`);
  if (typeof name !== 'string' || name === '') throw new ConfigError(`${where}.name must be a non-empty string`);
  if ((token === undefined) === (tokenFile === undefined)) throw new ConfigError(`${where}: give exactly one of token and tokenFile`);
  let value: string;
  if (tokenFile !== undefined) {
    if (typeof tokenFile !== 'string') throw new ConfigError(`${where}.tokenFile must be a path`);
    try {
      value = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`${where}.tokenFile: cannot read ${tokenFile}: ${(err as Error).message}`, { cause: err });
    }
  } else {
    if (typeof token !== 'string') throw new ConfigError(`${where}.token must be a string`);
    value = token;
  }
  if (value.length < MIN_TOKEN_LENGTH || /\s/.test(value)) throw new ConfigError(`${where}: the token must be at least ${MIN_TOKEN_LENGTH} characters without whitespace`);
  if (!Array.isArray(scopes) || scopes.length === 0) throw new ConfigError(`${where}.scopes must be a non-empty list of ${SCOPES.join(', ')}`);
  scopes.forEach((s, i) => {
    if (!(SCOPES as readonly unknown[]).includes(s)) throw new ConfigError(`${where}.scopes[${i}]: unknown scope ${JSON.stringify(s)} (scopes: ${SCOPES.join(', ')})`);
  });
  return { name, token: value, scopes: scopes as Scope[] };
}

/** Checks a list of token entries; `where` names it in errors ("tokens", "tokens file x.json"). */
export function parseTokens(raw: unknown, where: string): TokenConfig[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${where} must be a JSON array of { name, token | tokenFile, scopes }`);
  return raw.map((r, i) => entry(r, `${where}[${i}]`));
}

/** The tokens of a tokens file. */
export function readTokensFile(path: string): TokenConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read tokens file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`tokens file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseTokens(parsed, `tokens file ${path}`);
}

/** Both lists together; names and tokens must be unique across them. */
export function mergeTokens(lists: readonly TokenConfig[][]): TokenConfig[] {
  const all = lists.flat();
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const t of all) {
    if (names.has(t.name)) throw new ConfigError(`token name "${t.name}" is configured twice`);
    if (tokens.has(t.token)) throw new ConfigError(`the token of "${t.name}" is also another app's token`);
    names.add(t.name);
    tokens.add(t.token);
  }
  return all;
}
