import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliInputError } from './errors.js';
import { splitJsonDocuments } from './json-documents.js';

describe('splitJsonDocuments', () => {
  it('reads one document per line', () => {
    const docs = splitJsonDocuments('{"a": 1}\n{"b": 18446744073709551615}\n');
    assert.deepEqual(docs, [
      { json: { a: 1 }, number: 1, line: 1, path: '$' },
      { json: { b: 18446744073709551615n }, number: 2, line: 2, path: '$' },
    ]);
  });

  it('reads pretty documents back to back, counting lines', () => {
    const docs = splitJsonDocuments('{\n   "a": {\n      "s": "}{]["\n   }\n}\n\n{"b": "say \\"}\\""}');
    assert.deepEqual(docs.map((d) => [d.json, d.line]), [[{ a: { s: '}{][' } }, 1], [{ b: 'say "}"' }, 7]]);
  });

  it('flattens a top-level array and numbers its documents', () => {
    const docs = splitJsonDocuments('[{"a": 1}, {"b": 2}]\n{"c": 3}');
    assert.deepEqual(docs.map((d) => [d.number, d.path, d.line]), [[1, '$[0]', 1], [2, '$[1]', 1], [3, '$', 2]]);
  });

  it('names the document and line of bad input', () => {
    const fails = (text: string, message: RegExp): void => {
      assert.throws(() => splitJsonDocuments(text), (err: unknown) => err instanceof CliInputError && message.test(err.message));
    };
    fails('{"a": 1}\n42', /^document 2 \(line 2\): expected a JSON object or array/);
    fails('{"a": 1}\n\n{"b": ', /^document 2 \(line 3\): the input ends inside this JSON document/);
    fails('{"a": 1,}', /^document 1 \(line 1\): \$: not valid JSON/);
  });

  it('gives nothing for empty or blank input', () => {
    assert.deepEqual(splitJsonDocuments(' \n\t'), []);
  });
});
