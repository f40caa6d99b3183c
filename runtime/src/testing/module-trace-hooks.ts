import { appendFileSync } from 'node:fs';

/**
 * ES module loader hooks for `module-trace.ts`. They run on Node's hooks thread,
 * so each resolved URL is appended to the trace file synchronously: the file is
 * complete when the traced process exits, however it exits.
 */

let traceFile: string | undefined;

export function initialize(data: { readonly file: string }): void {
  traceFile = data.file;
}

interface Resolved {
  readonly url: string;
}

export async function resolve(specifier: string, context: unknown, nextResolve: (specifier: string, context: unknown) => Promise<Resolved>): Promise<Resolved> {
  const resolved = await nextResolve(specifier, context);
  if (traceFile !== undefined) appendFileSync(traceFile, `${resolved.url}\n`);
  return resolved;
}
