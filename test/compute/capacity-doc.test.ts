import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { REFERENCE_MIX, referenceMixMarkdown } from '../../lib/compute';

const DOC = join(__dirname, '..', '..', 'docs', 'capacity-planner.md');
const BEGIN = '<!-- BEGIN reference-mix (generated) -->';
const END = '<!-- END reference-mix (generated) -->';

test('the reference mix has at least 20 models of mixed sizes', () => {
  expect(REFERENCE_MIX.length).toBeGreaterThanOrEqual(20);
  const sizes = new Set(REFERENCE_MIX.map((m) => m.paramsBillions));
  expect(Math.min(...sizes)).toBeLessThan(2);
  expect(Math.max(...sizes)).toBeGreaterThan(60);
});

test('the table in docs/capacity-planner.md matches the planner', () => {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const expected = `${BEGIN}\n${referenceMixMarkdown()}\n${END}`;
  const actual = doc.slice(start, end + END.length);
  if (actual !== expected && process.env.UPDATE_DOCS) {
    writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + END.length));
    return;
  }
  expect(actual).toBe(expected);
});
