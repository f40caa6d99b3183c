/**
 * The fenced code blocks of a Markdown file, for the doc-snippet harness
 * (e2e/doc-snippets.test.ts). A block that is not meant to be run says so in an
 * HTML comment on the line right above its fence:
 *
 *   <!-- not run: why (an output example, the test command itself, ...) -->
 *
 * Every other block is one the reader is told to run, and the harness runs it.
 * Pure: text in, blocks out.
 */

export interface CodeBlock {
  /** 1-based line of the opening fence (what the test is named after). */
  readonly line: number;
  /** The fence's info string's first word (`ts`, `python`, `sh`), '' when none. */
  readonly lang: string;
  /** The lines between the fences, joined with '\n' and ending in one. */
  readonly body: string;
  /** The reason given by a `<!-- not run: ... -->` comment right above the fence. */
  readonly notRun: string | undefined;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const NOT_RUN = /^\s*<!--\s*not run:\s*(.*?)\s*-->\s*$/;

/** @throws Error naming the line of a fence that is never closed, or of a `not run` comment without a reason. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const fence = open[2]!;
    const indent = open[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !isClose(lines[i]!, fence); i++) body.push(lines[i]!.slice(Math.min(indent, leadingSpaces(lines[i]!))));
    if (i === lines.length) throw new Error(`line ${start + 1}: the code fence is never closed`);
    const marker = start > 0 ? NOT_RUN.exec(lines[start - 1]!) : null;
    if (marker !== null && marker[1] === '') throw new Error(`line ${start}: a "not run" comment must give its reason`);
    blocks.push({ line: start + 1, lang: open[3]!.toLowerCase(), body: body.map((l) => `${l}\n`).join(''), notRun: marker?.[1] });
  }
  return blocks;
}

function isClose(line: string, fence: string): boolean {
  const t = line.trim();
  return t.length >= fence.length && t[0] === fence[0] && /^(`+|~+)$/.test(t);
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}
