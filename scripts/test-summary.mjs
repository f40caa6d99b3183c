// The closing block of scripts/test.sh: every step with its outcome, test counts
// from the JUnit reports (node's test runner and pytest), the name of every failed
// test, and one last line `summary: N passed, N failed, N skipped`. Exits 1 when a
// step or a test failed, else 0.
//
// Usage: node scripts/test-summary.mjs STEPS_TSV REPORTS_DIR
// STEPS_TSV has one line per step: name, exit status, seconds (tab-separated).
// Plain JavaScript on purpose: it must run when the TypeScript build failed.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [stepsPath, reportsDir] = process.argv.slice(2);
if (stepsPath === undefined || reportsDir === undefined) {
  process.stderr.write('usage: node scripts/test-summary.mjs STEPS_TSV REPORTS_DIR\n');
  process.exit(2);
}

const steps = readFileSync(stepsPath, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => {
    const [name, status, seconds] = line.split('\t');
    return { name, status: Number(status), seconds: Number(seconds) };
  });

const decode = (text) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, entity) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[entity]);
const attribute = (attributes, name) => {
  const found = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes);
  return found === null ? undefined : decode(found[1]);
};

/** The test cases of one JUnit file, each named by its enclosing suites. */
function testCases(xml) {
  const cases = [];
  const suites = [];
  const tags = /<(\/?)(testsuite|testcase)\b([^>]*?)(\/?)>|<\/testcase>/g;
  let open;
  for (let tag = tags.exec(xml); tag !== null; tag = tags.exec(xml)) {
    const [whole, closing, element, attributes, selfClosing] = tag;
    if (whole === '</testcase>') {
      open.outcome = outcomeOf(xml.slice(open.bodyStart, tag.index));
      cases.push(open);
      open = undefined;
    } else if (element === 'testsuite') {
      if (closing === '/') suites.pop();
      else if (selfClosing !== '/') suites.push(attribute(attributes, 'name') ?? '');
    } else if (element === 'testcase') {
      const name = [...suites.filter((s) => s !== 'pytest'), attribute(attributes, 'classname'), attribute(attributes, 'name')]
        .filter((part) => part !== undefined && part !== '' && part !== 'test')
        .join(' > ');
      const testCase = { name, outcome: 'passed', bodyStart: tag.index + whole.length };
      if (selfClosing === '/') cases.push(testCase);
      else open = testCase;
    }
  }
  return cases;
}

function outcomeOf(body) {
  if (/<(failure|error)\b/.test(body)) return 'failed';
  if (/<skipped\b/.test(body)) return 'skipped';
  return 'passed';
}

const reports = readdirSync(reportsDir)
  .filter((file) => file.endsWith('.xml'))
  .sort()
  .map((file) => ({ file, cases: testCases(readFileSync(join(reportsDir, file), 'utf8')) }));

const count = (cases, outcome) => cases.filter((c) => c.outcome === outcome).length;
const lines = ['', '==================== summary ===================='];
for (const s of steps) lines.push(`${s.status === 0 ? 'ok    ' : 'FAILED'}  ${s.name} (${s.seconds} s${s.status === 0 ? '' : `, exit ${s.status}`})`);
lines.push('');
for (const r of reports) {
  lines.push(`${r.file.replace(/\.xml$/, '')}: ${count(r.cases, 'passed')} passed, ${count(r.cases, 'failed')} failed, ${count(r.cases, 'skipped')} skipped`);
}
const failedCases = reports.flatMap((r) => r.cases.filter((c) => c.outcome === 'failed').map((c) => `${r.file.replace(/\.xml$/, '')}: ${c.name}`));
if (failedCases.length > 0) {
  lines.push('', 'failed tests:');
  for (const name of failedCases) lines.push(`  ${name}`);
}
const failedSteps = steps.filter((s) => s.status !== 0);
const all = reports.flatMap((r) => r.cases);
lines.push('', failedSteps.length === 0 && failedCases.length === 0 ? 'everything passed' : `${failedSteps.length} step(s) failed`);
lines.push(`summary: ${count(all, 'passed')} passed, ${count(all, 'failed')} failed, ${count(all, 'skipped')} skipped`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(failedSteps.length === 0 && failedCases.length === 0 ? 0 : 1);
