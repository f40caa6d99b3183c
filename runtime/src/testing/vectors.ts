import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the OpenFlow wire vectors live: `runtime/test-data/vectors/ryu`, Ryu's
 * captured messages kept in the repository (see the README there).
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

/** `runtime/test-data/vectors/ryu` under the project root; throws when a checkout lacks it. */
export function ryuVectorsDir(): string {
  const dir = join(projectRoot(), 'runtime', 'test-data', 'vectors', 'ryu');
  if (!existsSync(dir)) throw new Error(`the Ryu wire vectors are missing at ${dir}: they are part of the repository; restore them with git checkout -- runtime/test-data`);
  return dir;
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
