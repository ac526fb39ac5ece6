import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { REFERENCE_MIX, referenceMixMarkdown } from '../../lib/compute';

const ROOT = join(__dirname, '..', '..');
const BEGIN = '<!-- BEGIN reference-mix (generated) -->';
const END = '<!-- END reference-mix (generated) -->';

test('the reference mix has at least 20 models of mixed sizes', () => {
  expect(REFERENCE_MIX.length).toBeGreaterThanOrEqual(20);
  const sizes = new Set(REFERENCE_MIX.map((m) => m.paramsBillions));
  expect(Math.min(...sizes)).toBeLessThan(2);
  expect(Math.max(...sizes)).toBeGreaterThan(60);
});

test.each(['docs/capacity-planner.md', 'README.md'])('the reference-mix table in %s matches the planner', (file) => {
  const path = join(ROOT, file);
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const expected = `${BEGIN}\n${referenceMixMarkdown()}\n${END}`;
  const actual = doc.slice(start, end + END.length);
  if (actual !== expected && process.env.UPDATE_DOCS) {
    writeFileSync(path, doc.slice(0, start) + expected + doc.slice(end + END.length));
    return;
  }
  expect(actual).toBe(expected);
});
