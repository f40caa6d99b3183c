import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from runtime/dist/e2e). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Output kept per client for failure messages: the start and the newest lines matter, not megabytes. */
const KEEP_OUTPUT = 16 * 1024;
const STOP_MS = 10_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * An external app run the way a user runs it: its own process, talking to the
 * runtime over gRPC. Keeps the tail of its stdout and stderr for failure
 * messages and knows when it exited.
 */
export class ClientProcess {
  readonly name: string;
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private output = '';
  private exit: Exit | undefined;

  private constructor(name: string, program: string, args: readonly string[]) {
    this.name = name;
    this.child = spawn(program, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-KEEP_OUTPUT);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        keep(Buffer.from(`could not start ${program}: ${err.message}\n`));
        resolve((this.exit = { code: null, signal: null }));
      });
      this.child.once('close', (code, signal) => resolve((this.exit = { code, signal })));
    });
  }

  /**
   * `examples/learning-switch-ts` through its CLI, `node dist/main.js`.
   * @throws when the example is not built, naming the build command.
   */
  static typescriptLearningSwitch(target: string, idleTimeoutSec: number): ClientProcess {
    const main = `${REPO}examples/learning-switch-ts/dist/main.js`;
    if (!existsSync(main)) throw new Error(`${main} is missing: build the workspace first (\`npx tsc -b\` at the repository root)`);
    return new ClientProcess('learning-switch-ts', process.execPath, [main, '--target', target, '--idle-timeout', String(idleTimeoutSec)]);
  }

  /**
   * `examples/firewall-ts` through its CLI, `node dist/main.js`, with `insidePorts` inside.
   * @throws when the example is not built, naming the build command.
   */
  static typescriptFirewall(target: string, insidePorts: readonly number[], zone: number): ClientProcess {
    const main = `${REPO}examples/firewall-ts/dist/main.js`;
    if (!existsSync(main)) throw new Error(`${main} is missing: build the workspace first (\`npx tsc -b\` at the repository root)`);
    const inside = insidePorts.flatMap((port) => ['--inside-port', String(port)]);
    return new ClientProcess('firewall-ts', process.execPath, [main, '--target', target, ...inside, '--zone', String(zone)]);
  }

  /**
   * `examples/acl-ts` through its CLI, `node dist/main.js`, blocking each pair ("A,B").
   * @throws when the example is not built, naming the build command.
   */
  static typescriptAcl(target: string, blocked: readonly string[]): ClientProcess {
    const main = `${REPO}examples/acl-ts/dist/main.js`;
    if (!existsSync(main)) throw new Error(`${main} is missing: build the workspace first (\`npx tsc -b\` at the repository root)`);
    return new ClientProcess('acl-ts', process.execPath, [main, '--target', target, ...blocked.flatMap((pair) => ['--block', pair])]);
  }

  /**
   * `examples/learning-switch-py/learning_switch.py` as a script, with the SDK's venv.
   * @throws when the venv is missing, naming the command that makes it.
   */
  static pythonLearningSwitch(target: string, idleTimeoutSec: number): ClientProcess {
    const python = `${REPO}sdk-python/.venv/bin/python`;
    if (!existsSync(python)) throw new Error(`${python} is missing: create the Python SDK's venv with \`bash sdk-python/scripts/setup-venv.sh\``);
    const script = `${REPO}examples/learning-switch-py/learning_switch.py`;
    return new ClientProcess('learning-switch-py', python, [script, '--target', target, '--idle-timeout', String(idleTimeoutSec)]);
  }

  /** The tail of what the process wrote to stdout and stderr. */
  get log(): string {
    return this.output;
  }

  /** `work`'s outcome, unless the process exits first: then rejects with its exit and output. */
  async whileRunning<T>(work: Promise<T>): Promise<T> {
    const died = this.exited.then((e) => {
      throw new Error(`${this.name} exited (code ${e.code}, signal ${e.signal}) while the test waited on it:\n${this.output}`);
    });
    // A rejection of `died` after `work` settled is not an error: the race is over.
    died.catch(() => {});
    return Promise.race([work, died]);
  }

  /**
   * Interrupts the process (SIGINT, what Ctrl-C sends; every example shuts down
   * cleanly on it) and waits for it to exit; SIGKILL after 10 s.
   * @returns its exit.
   */
  async stop(): Promise<Exit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
