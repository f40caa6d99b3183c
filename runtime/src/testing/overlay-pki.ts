import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** PEM file paths of one node's overlay certificate. */
export interface NodeCertificate {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

function openssl(dir: string, ...args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the openssl CLI is missing: run scripts/install-system-deps.sh (apt-get install openssl)', { cause: err });
    throw err;
  }
}

/**
 * A throwaway cluster CA in `dir` (`<ca>.pem`, `<ca>.key`), made with the openssl
 * CLI; `nodeCertificate` signs node certificates with it.
 */
export function makeCa(dir: string, ca = 'ca'): string {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '1', '-subj', `/CN=sdn-runtime overlay test ${ca}`);
  return join(dir, `${ca}.pem`);
}

/** A certificate for node `name` (its CN, as serve/overlay-tls.ts reads it), signed by `ca` made with `makeCa` in `dir`. */
export function nodeCertificate(dir: string, name: string, ca = 'ca'): NodeCertificate {
  const file = `${ca}-${name}`;
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${file}.key`, '-out', `${file}.csr`, '-subj', `/CN=${name}`);
  openssl(dir, 'x509', '-req', '-in', `${file}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${file}.pem`, '-days', '1');
  return { cert: join(dir, `${file}.pem`), key: join(dir, `${file}.key`), ca: join(dir, `${ca}.pem`) };
}
