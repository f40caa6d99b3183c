import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { SdnError } from '../errors.js';
import { ConfigError } from './config-error.js';

/**
 * The machine does not let the runtime start as configured: a port in use, a
 * data folder it cannot write. The message names the option and what to do;
 * `serve` prints it as one line and exits with status 1 (a ConfigError: 2).
 */
export class StartError extends SdnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('START', message, options);
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates each missing folder of `path` in turn, parents first.
 * @returns why it cannot, or undefined when `path` is a folder now.
 */
function makeDirectory(path: string): string | undefined {
  const missing: string[] = [];
  // Bounded by the path's depth: the root's dirname() is the root, which exists.
  for (let p = resolve(path); ; p = dirname(p)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) throw err;
      missing.push(p);
      continue;
    }
    if (!isDirectory) return `${p} is not a folder`;
    break;
  }
  // Not mkdirSync({ recursive: true }): it loops for ever where mkdir answers ENOENT although the parent exists (/proc).
  for (const p of missing.reverse()) mkdirSync(p);
  return undefined;
}

/** A folder option as messages name it. */
export interface FolderOption {
  /** e.g. "--data-dir" */
  readonly flag: string;
  /** e.g. "SDN_RUNTIME_DATA_DIR" */
  readonly env: string;
  /** e.g. "dataDir" */
  readonly key: string;
}

/**
 * Makes sure the runtime can keep files in the folder `path`: it exists (it is
 * created) and a folder can be created in it.
 * @throws StartError naming the option and the reason.
 */
export function prepareFolder(option: FolderOption, path: string): void {
  const fail = (why: string, cause?: unknown): StartError =>
    new StartError(`${option.flag} ${path} (env ${option.env}, config "${option.key}") is not a folder this user can write: ${why}; choose another with ${option.flag}`, { cause });
  let notFolder: string | undefined;
  try {
    notFolder = makeDirectory(path);
    if (notFolder === undefined) rmdirSync(mkdtempSync(join(path, '.write-check-')));
  } catch (err) {
    throw fail(reason(err), err);
  }
  if (notFolder !== undefined) throw fail(notFolder);
}

/** PEM contents of a certificate, its key and an optional CA bundle. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
}

/** The flags of one listener's TLS files, for messages. */
export interface TlsOptionNames {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${flag} ${path}: cannot read it: ${reason(err)}`, { cause: err });
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** OpenSSL takes a CA file without a single certificate in it silently; we do not. */
function checkCaBundle(flag: string, path: string, ca: Buffer): void {
  const blocks = ca.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new ConfigError(`${flag} ${path}: not a PEM CA bundle: it holds no "-----BEGIN CERTIFICATE-----" block`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new ConfigError(`${flag} ${path}: certificate ${i + 1} of the bundle is not valid: ${reason(err)}`, { cause: err });
    }
  });
}

/** Reads a PEM CA bundle and checks it holds certificates. @throws ConfigError naming the flag and the file. */
export function readCaBundle(flag: string, path: string): Buffer {
  const ca = readPem(flag, path);
  checkCaBundle(flag, path, ca);
  return ca;
}

/**
 * Reads and checks a listener's TLS files: the certificate and key are PEM and
 * belong together, the CA bundle is PEM.
 * @throws ConfigError naming the flag, the file and what is wrong.
 */
export function readTlsFiles(names: TlsOptionNames, paths: { cert: string; key: string; ca: string | undefined }): TlsFiles {
  const cert = readPem(names.cert, paths.cert);
  const key = readPem(names.key, paths.key);
  const ca = paths.ca === undefined ? undefined : readPem(names.ca, paths.ca);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(`${names.cert} ${paths.cert} and ${names.key} ${paths.key} are not a PEM certificate and its private key: ${reason(err)}`, { cause: err });
  }
  if (ca !== undefined) checkCaBundle(names.ca, paths.ca!, ca);
  return { cert, key, ca };
}

const LISTEN_ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is in use (another sdn-runtime?): stop what uses it or choose another port',
  EADDRNOTAVAIL: 'the host is not an address of this machine: choose one it has',
  EACCES: 'this user may not listen there (ports below 1024 need privileges): choose a port from 1024',
};

/**
 * A listener that could not bind, as a StartError naming its flags.
 * @param hostFlag, portFlag e.g. "--grpc-host", "--grpc-port".
 */
export function listenError(err: unknown, hostFlag: string, portFlag: string, host: string, port: number): StartError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const advice = (code === undefined ? undefined : LISTEN_ADVICE[code]) ?? 'check the address and port';
  return new StartError(`cannot listen on ${hostFlag} ${host} ${portFlag} ${port}: ${reason(err)}; ${advice} (${portFlag} 0 takes any free port)`, { cause: err });
}

/**
 * Why `host:port` cannot be bound, as Node's own error (with its errno `code`), or
 * undefined when it can now. For listeners whose errors carry only text (grpc-js).
 */
export async function probeListen(host: string, port: number): Promise<unknown> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return undefined;
  } catch (err) {
    return err;
  } finally {
    server.close();
  }
}
