import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shared OpenFlow wire vectors live: `../shared/vectors` beside the
 * project root, read in place (never copied into the repo).
 */

/** The project root: the folder with the workspace package.json above this file. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runtime'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sdn-runtime project root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** `../shared/vectors/ryu` from the project root, or undefined when absent. */
export function ryuVectorsDir(): string | undefined {
  const dir = resolve(projectRoot(), '..', 'shared', 'vectors', 'ryu');
  return existsSync(dir) ? dir : undefined;
}

export interface VectorFile {
  /** File name without `.packet` / `.packet.json`, e.g. `4-2-ofp_flow_mod`. */
  readonly name: string;
  readonly packetPath: string;
  readonly bytes: Buffer;
  /** The decoded JSON text (Ryu's to_jsondict), when a `.json` twin exists. */
  readonly jsonText: string | undefined;
}

/** Every `.packet` file of one version folder (`of13`, ...) with its JSON twin. */
export function loadVectors(dir: string, versionFolder: string): VectorFile[] {
  const packetDir = join(dir, versionFolder, 'packet');
  const jsonDir = join(dir, versionFolder, 'json');
  return readdirSync(packetDir)
    .sort()
    .map((file) => {
      const jsonPath = join(jsonDir, `${file}.json`);
      return {
        name: file.replace(/\.packet$/, ''),
        packetPath: join(packetDir, file),
        bytes: readFileSync(join(packetDir, file)),
        jsonText: existsSync(jsonPath) ? readFileSync(jsonPath, 'utf8') : undefined,
      };
    });
}
