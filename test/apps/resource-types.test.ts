/**
 * The README's table of what `switchyard dev` does with each resource type is the list the
 * start-up report uses (lib/model/resource-types.ts): this test fails when they differ, and
 * prints the rows the README should have.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESOURCE_TYPES, resourceTypeEntry, treatmentOf, type ResourceTypeEntry } from '../../lib/model/resource-types';

const README = path.join(__dirname, '..', '..', 'README.md');
const HEADING = '### What `dev` serves';
const LABEL = { served: 'served', 'nothing-to-run': 'nothing to run', 'not-served': 'not served' } as const;

/** A row as the README writes it. */
function row(entry: ResourceTypeEntry): string {
  return `| ${entry.types.map((t) => `\`${t}\``).join(', ')} | ${LABEL[entry.treatment]} | ${entry.locally} |`;
}

/** The rows of the first table after the heading, less its header and separator. */
function readmeRows(): string[] {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(`\n${HEADING}\n`);
  if (start < 0) throw new Error(`README.md has no '${HEADING}' section`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  return lines.slice(first + 2, end);
}

test("the README's table is the list dev's start-up report uses, row for row", () => {
  const expected = RESOURCE_TYPES.map(row);
  const actual = readmeRows();
  if (actual.join('\n') !== expected.join('\n')) {
    // What to paste into the README, so that the failure says how to fix it.
    process.stderr.write(`README.md's table under '${HEADING}' should read:\n${expected.join('\n')}\n`);
  }
  expect(actual).toEqual(expected);
});

test('every type is listed once', () => {
  const types = RESOURCE_TYPES.flatMap((e) => e.types);
  expect(types.filter((t, i) => types.indexOf(t) !== i)).toEqual([]);
});

test.each([
  ['AWS::Lambda::Function', 'served'],
  ['AWS::IAM::Role', 'nothing-to-run'],
  ['AWS::SNS::Topic', 'not-served'],
  ['AWS::Glue::Job', 'not-served'],
  ['Custom::MySeeder', 'served'],
  ['Custom::S3AutoDeleteObjects', 'nothing-to-run'],
  ['Custom::CDKBucketDeployment', 'not-served'],
])('%s is %s', (type, treatment) => {
  expect(treatmentOf(type)).toBe(treatment);
});

test('a type missing from the list is not served, and names its service for the report', () => {
  expect(resourceTypeEntry('AWS::Glue::Job')).toMatchObject({ treatment: 'not-served', service: 'Glue', types: ['AWS::Glue::Job'] });
});
