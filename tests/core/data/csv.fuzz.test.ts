import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetFromCsv, inspectCsv, type ColumnRole, type CsvResult } from '../../../src/core/data/csv';

/** Characters that make CSV interesting: separators, quotes, line ends, number parts, text, blanks, odd unicode. */
const CHARS = [',', ',', ';', '\t', '|', '"', '\n', '\n', '\r\n', '0', '1', '2', '9', '.', '-', '+', 'e', 'E', 'a', 'x', 'N', 'A', ' ', '?', '\uFEFF', 'é', '1e39', '1e999', 'NaN', 'Infinity'];
const csvish = fc.array(fc.constantFrom(...CHARS), { maxLength: 200 }).map((parts) => parts.join(''));
const roleArb = fc.constantFrom<ColumnRole>('feature', 'target', 'ignored');

/** Cells a real file might hold, mostly numbers, some missing, some text, some too big for float32. */
const CELLS = ['0', '1', '-2.5', '.5', '3e-4', '1e30', '3.3e38', '-3.3e38', '1e39', '1e999', '7', '7', '42', '', 'NA', '?', 'red', 'blue', '"1,5"', '1,5', ' 8 '];
const cellArb = fc.oneof(
  { weight: 15, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String) },
  { weight: 4, arbitrary: fc.constantFrom(...CELLS) },
);
/** Tables: a header or not, a delimiter, rows of cells, now and then a ragged row or a blank line. */
const tableish = fc
  .record({
    width: fc.integer({ min: 1, max: 5 }),
    delimiter: fc.constantFrom(',', ';', '\t'),
    header: fc.boolean(),
    rows: fc.array(fc.array(cellArb, { minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 25 }),
    ragged: fc.integer({ min: 0, max: 9 }).map((k) => k === 0),
  })
  .map(({ width, delimiter, header, rows, ragged }) => {
    const lines = rows.map((r) => {
      const cells = ragged ? r : Array.from({ length: width }, (_, j) => r[j % r.length]);
      return cells.join(delimiter);
    });
    if (header) lines.unshift(Array.from({ length: width }, (_, j) => `col${j}`).join(delimiter));
    return lines.join('\n');
  });

function checkResult(r: CsvResult): void {
  if (!r.ok) {
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(typeof e.message).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
      if (e.row !== undefined) expect(Number.isInteger(e.row) && e.row >= 1).toBe(true);
    }
    return;
  }
  const ds = r.dataset;
  const f = ds.featureNames.length;
  const t = ds.targetNames.length;
  for (const split of [ds.train, ds.test]) {
    expect(split.x.length).toBe(split.n * f);
    expect(split.y.length).toBe(split.n * t);
    for (const v of split.x) expect(Number.isFinite(v)).toBe(true);
    for (const v of split.y) expect(Number.isFinite(v)).toBe(true);
  }
  expect(ds.train.n).toBeGreaterThan(0);
}

describe('CSV import on random input', () => {
  it('inspectCsv never throws and always answers ok or an error message', () => {
    fc.assert(
      fc.property(csvish, (text) => {
        const r = inspectCsv(text);
        if (r.ok) {
          expect(r.columns.length).toBeGreaterThan(0);
          expect(new Set(r.columns.map((c) => c.name)).size).toBe(r.columns.length);
        } else {
          expect(r.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000, seed: 20261129 },
    );
  });

  it('datasetFromCsv never throws and never produces NaN or ∞, whatever the roles', () => {
    fc.assert(
      fc.property(csvish, fc.array(roleArb, { maxLength: 8 }), fc.boolean(), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.integer(), (text, roleList, standardize, trainRatio, seed) => {
        const inspected = inspectCsv(text);
        const names = inspected.ok ? inspected.columns.map((c) => c.name) : ['column 1'];
        const roles = Object.fromEntries(names.map((name, j) => [name, roleList[j % Math.max(roleList.length, 1)] ?? 'feature']));
        checkResult(datasetFromCsv(text, { roles, standardize, trainRatio, seed }));
      }),
      { numRuns: 2000, seed: 20261130 },
    );
  });

  it('datasetFromCsv on random tables never throws and never produces NaN or ∞', () => {
    let accepted = 0;
    fc.assert(
      fc.property(tableish, fc.array(roleArb, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(), fc.integer(), (text, roleList, standardize, drop, seed) => {
        const inspected = inspectCsv(text);
        const names = inspected.ok ? inspected.columns.map((c) => c.name) : ['column 1'];
        // The last column is the target; the others take random roles.
        const roles = Object.fromEntries(names.map((name, j) => [name, j === names.length - 1 ? 'target' : roleList[j % roleList.length]]));
        const r = datasetFromCsv(text, { roles, standardize, trainRatio: 0.7, seed, missing: drop ? 'drop' : 'error' });
        checkResult(r);
        if (r.ok) accepted++;
      }),
      { numRuns: 2000, seed: 20261131 },
    );
    // The generator must reach the success path often, or the NaN checks above would test nothing.
    expect(accepted).toBeGreaterThan(200);
  });

  it('a random numeric table comes back with the same rows, in some order', () => {
    const cell = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => Math.fround(v)));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (width, rows, seed) => {
        const data = fc.sample(fc.array(cell, { minLength: width + 1, maxLength: width + 1 }), { numRuns: rows, seed });
        const header = [...Array.from({ length: width }, (_, j) => `f${j}`), 'target'];
        const text = [header.join(','), ...data.map((r) => r.map(String).join(','))].join('\n');
        const roles = Object.fromEntries(header.map((h) => [h, h === 'target' ? 'target' : 'feature'] as const));
        const r = datasetFromCsv(text, { roles, standardize: false, trainRatio: 0.5, seed });
        checkResult(r);
        if (!r.ok) return;
        const got: string[] = [];
        for (const split of [r.dataset.train, r.dataset.test]) {
          for (let i = 0; i < split.n; i++) {
            const x = [...split.x.subarray(i * width, (i + 1) * width)];
            const y = r.dataset.task === 'regression' ? [split.y[i]] : [];
            got.push([...x, ...y].join(','));
          }
        }
        const want = data.map((row) => (r.dataset.task === 'regression' ? row : row.slice(0, width)).map((v) => Math.fround(v)).join(','));
        expect(got.sort()).toEqual(want.sort());
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
