import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeBlocks } from './markdown.js';

describe('codeBlocks: the fenced blocks of a Markdown file', () => {
  it('gives each block its fence line, language, body and not-run reason', () => {
    const md = ['# T', '', '```ts', 'const a = 1;', '```', 'text', '<!-- not run: output example -->', '```', '{"a":1}', '```', '', '   ~~~~ Python extra', '   x = 1', '     y', '   ~~~~', ''].join('\n');
    assert.deepEqual(codeBlocks(md), [
      { line: 3, lang: 'ts', body: 'const a = 1;\n', notRun: undefined },
      { line: 8, lang: '', body: '{"a":1}\n', notRun: 'output example' },
      { line: 12, lang: 'python', body: 'x = 1\n  y\n', notRun: undefined },
    ]);
  });

  it('a marker counts only right above the fence', () => {
    const md = ['<!-- not run: too far -->', '', '```sh', 'ls', '```'].join('\n');
    assert.equal(codeBlocks(md)[0]!.notRun, undefined);
  });

  it('refuses a fence never closed and a not-run comment without a reason', () => {
    assert.throws(() => codeBlocks('```sh\nls\n'), /line 1: the code fence is never closed/);
    assert.throws(() => codeBlocks('<!-- not run: -->\n```sh\nls\n```\n'), /line 1: a "not run" comment must give its reason/);
  });
});
