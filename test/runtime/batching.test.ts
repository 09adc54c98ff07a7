import fc from 'fast-check';
import { MAX_ENTRIES_PER_CALL, MAX_REQUEST_BYTES, batchEntries, entrySize } from '../../lib/runtime';

describe('entrySize (as AWS documents it)', () => {
  it.each([
    ['ASCII fields', { Source: 'abc', DetailType: 'de', Detail: '{}' }, 3 + 2 + 2],
    ['multi-byte UTF-8', { Source: 'é', DetailType: '€', Detail: '{"k":"😀"}' }, 2 + 3 + 12],
    ['Time counts 14 bytes', { Source: 'a', DetailType: 'b', Detail: '{}', Time: new Date() }, 1 + 1 + 2 + 14],
    ['each resource counts', { Source: 'a', DetailType: 'b', Resources: ['arn:1', 'arn:22'] }, 1 + 1 + 5 + 6],
    ['bus name and trace header do not count', { Source: 'a', DetailType: 'b', Detail: '{}', EventBusName: 'bus', TraceHeader: 'Root=1' }, 4],
  ])('%s', (_name, entry, size) => {
    expect(entrySize(entry)).toBe(size);
  });
});

describe('batchEntries', () => {
  const sized = (sizes: number[]) => sizes.map((size, id) => ({ id, size }));

  it.each([
    ['25 small entries: 10 + 10 + 5', sized(Array(25).fill(100)), [10, 10, 5]],
    ['100 KiB entries: 2 per call', sized(Array(5).fill(100 * 1024)), [2, 2, 1]],
    ['an entry of exactly 256 KiB goes alone', sized([1, MAX_REQUEST_BYTES, 1]), [1, 1, 1]],
    ['nothing', sized([]), []],
  ])('%s', (_name, entries, counts) => {
    expect(batchEntries(entries).map((b) => b.length)).toEqual(counts);
  });

  it('keeps every entry once, in order, within both limits (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: MAX_REQUEST_BYTES }), { maxLength: 60 }), (sizes) => {
        const entries = sized(sizes);
        const batches = batchEntries(entries);
        expect(batches.flat()).toEqual(entries);
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(MAX_ENTRIES_PER_CALL);
          expect(batch.reduce((sum, e) => sum + e.size, 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
        }
        // Greedy: a call closes only when the next entry would not fit.
        for (let i = 0; i + 1 < batches.length; i++) {
          const bytes = batches[i]!.reduce((sum, e) => sum + e.size, 0);
          expect(batches[i]!.length === MAX_ENTRIES_PER_CALL || bytes + batches[i + 1]![0]!.size > MAX_REQUEST_BYTES).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
