import { OfpJsonError, parseRyuJson, type RyuJson } from '../openflow/index.js';
import { CliInputError } from './errors.js';

/**
 * Splits text holding several JSON documents: one per line, pretty documents
 * back to back, or a JSON array of documents (each top-level array is
 * flattened). Pure; no I/O.
 */

export interface JsonDocument {
  readonly json: RyuJson;
  /** 1-based, counting documents in flattened arrays. */
  readonly number: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  /** JSON path prefix for errors: `$`, or `$[2]` inside a top-level array. */
  readonly path: string;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

/** Index one past the end of the object or array that starts at `start`. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * @throws CliInputError naming the document number and line of text that is
 *   not a JSON object or array.
 */
export function splitJsonDocuments(text: string): JsonDocument[] {
  const docs: JsonDocument[] = [];
  let line = 1;
  let pos = 0;
  while (pos < text.length) {
    const c = text[pos]!;
    if (isSpace(c)) {
      if (c === '\n') line++;
      pos++;
      continue;
    }
    const where = `document ${docs.length + 1} (line ${line})`;
    if (c !== '{' && c !== '[') throw new CliInputError(`${where}: expected a JSON object or array, found "${text.slice(pos, pos + 20)}"`);
    const end = valueEnd(text, pos);
    if (end < 0) throw new CliInputError(`${where}: the input ends inside this JSON document`);
    let json: RyuJson;
    try {
      json = parseRyuJson(text.slice(pos, end));
    } catch (err) {
      throw new CliInputError(`${where}: ${err instanceof OfpJsonError ? err.message : String(err)}`, { cause: err });
    }
    if (Array.isArray(json)) {
      (json as readonly RyuJson[]).forEach((item, i) => docs.push({ json: item, number: docs.length + 1, line, path: `$[${i}]` }));
    } else {
      docs.push({ json, number: docs.length + 1, line, path: '$' });
    }
    for (let i = pos; i < end; i++) if (text[i] === '\n') line++;
    pos = end;
  }
  return docs;
}
