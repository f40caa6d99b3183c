import { readFile } from 'node:fs/promises';
import { CliInputError } from './errors.js';

/**
 * The only place CLI commands touch stdin, stdout and files: commands read all
 * their input first and write their output in one piece at the end, so bad
 * input never leaves half an output behind.
 */

/**
 * All of FILE, or of stdin when `file` is undefined or "-".
 * @throws CliInputError when the file cannot be read or stdin is a terminal.
 */
export async function readInput(file: string | undefined): Promise<Buffer> {
  if (file !== undefined && file !== '-') {
    try {
      return await readFile(file);
    } catch (err) {
      throw new CliInputError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  if (process.stdin.isTTY === true) throw new CliInputError('no input: give a FILE, or pipe data into stdin (see --help)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Writes `data` to stdout and resolves once it is handed to the OS. A reader
 * that went away (EPIPE, as with `| head`) is not an error.
 * @throws CliInputError for binary output to a terminal.
 */
export async function writeOutput(data: Buffer, options: { readonly binary: boolean }): Promise<void> {
  if (options.binary && process.stdout.isTTY === true) {
    throw new CliInputError('refusing to write binary OpenFlow bytes to a terminal: redirect stdout to a file or a pipe, or use --hex');
  }
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(data, (err) => {
      if (err === undefined || err === null || (err as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else reject(err);
    });
  });
}
