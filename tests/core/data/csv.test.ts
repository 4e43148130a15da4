import { describe, expect, it } from 'vitest';
import { MAX_CSV_ROWS, datasetFromCsv, inspectCsv, type CsvError, type CsvOptions, type CsvResult } from '../../../src/core/data/csv';
import type { Dataset } from '../../../src/core/data/types';

const BASE: Omit<CsvOptions, 'roles'> = { standardize: false, trainRatio: 1, seed: 1, fileName: 'test.csv' };

function load(text: string, roles: CsvOptions['roles'], extra: Partial<CsvOptions> = {}): CsvResult {
  return datasetFromCsv(text, { ...BASE, roles, ...extra });
}

function dataset(r: CsvResult): { dataset: Dataset; notes: string[] } {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

function errors(r: CsvResult): CsvError[] {
  if (r.ok) throw new Error('expected errors, got a data set');
  expect(r.errors.length).toBeGreaterThan(0);
  return r.errors;
}

/** Rows of a split as arrays, sorted, to compare content regardless of the shuffle. */
function rowsOf(x: Float32Array, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.length / width; i++) out.push([...x.subarray(i * width, (i + 1) * width)]);
  return out.sort((a, b) => a.join().localeCompare(b.join()));
}

const FLOWERS = `length,width,colour,species
1.5,0.2,red,setosa
4.5,1.5,blue,versicolor
6.0,2.5,red,virginica
1.4,0.3,blue,setosa
4.1,1.3,red,versicolor
5.9,2.1,blue,virginica
`;

describe('inspectCsv', () => {
  it('reads a header when a column has text on top and numbers below', () => {
    const r = inspectCsv(FLOWERS);
    if (!r.ok) throw new Error(r.error);
    expect(r.hasHeader).toBe(true);
    expect(r.rowCount).toBe(6);
    expect(r.columns.map((c) => [c.name, c.kind, c.distinct])).toEqual([
      ['length', 'numeric', 6],
      ['width', 'numeric', 6],
      ['colour', 'categorical', 2],
      ['species', 'categorical', 3],
    ]);
    expect(r.columns[3].sample).toEqual(['setosa', 'versicolor', 'virginica', 'setosa', 'versicolor']);
  });

  it('still finds the header when a numeric column has a stray text cell', () => {
    const r = inspectCsv('w,kind\n1,cat\nheavy,dog\n2,cat\n');
    if (!r.ok) throw new Error(r.error);
    expect(r.hasHeader).toBe(true);
    expect(r.columns.map((c) => c.name)).toEqual(['w', 'kind']);
  });

  it('reads no header when nothing marks one: all text, or text over mostly text', () => {
    for (const text of ['red,blue\ngreen,cyan\n', 'a,b\nx,1\ny,z\nw,q\n']) {
      const r = inspectCsv(text);
      if (!r.ok) throw new Error(r.error);
      expect(r.hasHeader).toBe(false);
      expect(r.columns[0].name).toBe('column 1');
    }
  });

  it('names columns "column 1"… when the first row is data', () => {
    const r = inspectCsv('1,2,a\n3,4,b\n');
    if (!r.ok) throw new Error(r.error);
    expect(r.hasHeader).toBe(false);
    expect(r.rowCount).toBe(2);
    expect(r.columns.map((c) => c.name)).toEqual(['column 1', 'column 2', 'column 3']);
  });

  it('counts missing cells and calls an all-missing column empty', () => {
    const r = inspectCsv('a,b,c\n1,,x\n2,NA,\n,?,z\n');
    if (!r.ok) throw new Error(r.error);
    expect(r.columns.map((c) => [c.kind, c.missing])).toEqual([['numeric', 1], ['empty', 3], ['categorical', 1]]);
    expect(r.columns[1].distinct).toBeUndefined();
  });

  it('guesses semicolons and tabs, honours quotes and trims cells', () => {
    for (const text of ['a;b\n"1,5";2\n3;4\n', 'a\tb\n 1 \t2\n3\t4\n']) {
      const r = inspectCsv(text);
      if (!r.ok) throw new Error(r.error);
      expect(r.columns.map((c) => c.name)).toEqual(['a', 'b']);
    }
    const semi = inspectCsv('a;b\n"1,5";2\n3;4\n');
    if (semi.ok) expect(semi.columns[0]).toMatchObject({ kind: 'categorical', sample: ['1,5', '3'] });
    const tab = inspectCsv('a\tb\n 1 \t2\n3\t4\n');
    if (tab.ok) expect(tab.columns[0]).toMatchObject({ kind: 'numeric', sample: ['1', '3'] });
  });

  it('skips a byte-order mark and gives empty or repeated header names unique names', () => {
    const r = inspectCsv('\uFEFFx,x,,y\n1,2,3,4\n');
    if (!r.ok) throw new Error(r.error);
    expect(r.columns.map((c) => c.name)).toEqual(['x', 'x (2)', 'column 3', 'y']);
  });

  it('reads Windows line ends, a quoted line break, and skips lines of only delimiters', () => {
    const r = inspectCsv('a,b\r\n1,"two\r\nlines"\r\n3,x\r\n,\r\n,,\r\n');
    if (!r.ok) throw new Error(r.error);
    expect(r.rowCount).toBe(2);
    expect(r.columns[1].sample).toEqual(['two\r\nlines', 'x']);
  });

  it('guesses the delimiter of a long file from its first lines', () => {
    const text = 'a;b\n' + Array.from({ length: 40_000 }, (_, i) => `${i};${i % 7}`).join('\n');
    expect(text.length).toBeGreaterThan(1 << 18);
    const r = inspectCsv(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.delimiter).toBe(';');
    expect(r.rowCount).toBe(40_000);
  });

  it('reports an empty file', () => {
    expect(inspectCsv('')).toEqual({ ok: false, error: 'The file is empty.' });
    expect(inspectCsv(' \n\n  \n')).toEqual({ ok: false, error: 'The file is empty.' });
  });

  it('reports a ragged row by its number', () => {
    const r = inspectCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n');
    expect(r).toEqual({ ok: false, error: 'Row 3 has 2 fields; expected 3 like row 1.' });
  });

  it('reports a quote that is never closed', () => {
    const r = inspectCsv('a,b\n1,"2\n3,4\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/Row 2: A quoted cell is never closed/);
  });
});

describe('datasetFromCsv', () => {
  it('turns a categorical target into one-hot classes, sorted by name', () => {
    const { dataset: ds, notes } = dataset(load(FLOWERS, { length: 'feature', width: 'feature', species: 'target' }));
    expect(ds.task).toBe('multiclass');
    expect(ds.featureNames).toEqual(['length', 'width']);
    expect(ds.targetNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.name).toBe('test.csv');
    // Each row's one-hot class matches its measurements in the file.
    const expected: Record<string, number> = { '1.5': 0, '1.4': 0, '4.5': 1, '4.1': 1, '6': 2, '5.9': 2 };
    for (let i = 0; i < ds.train.n; i++) {
      const length = String(Number(ds.train.x[i * 2].toFixed(1)));
      expect([...ds.train.y.subarray(i * 3, i * 3 + 3)].indexOf(1)).toBe(expected[length]);
    }
    expect(notes.join(' ')).toMatch(/3 classes, one-hot encoded: "setosa", "versicolor", "virginica"/);
  });

  it('keeps the numbers of the file exactly when not standardising', () => {
    const { dataset: ds } = dataset(load(FLOWERS, { length: 'feature', width: 'feature', species: 'target' }));
    expect(rowsOf(ds.train.x, 2)).toEqual(rowsOf(Float32Array.from([1.5, 0.2, 4.5, 1.5, 6, 2.5, 1.4, 0.3, 4.1, 1.3, 5.9, 2.1]), 2));
  });

  it('makes a two-class text target binary 0/1 and says which class is 1', () => {
    const { dataset: ds, notes } = dataset(load(FLOWERS, { length: 'feature', colour: 'target' }));
    expect(ds.task).toBe('binary');
    expect(ds.targetNames).toEqual(['colour']);
    expect(notes).toContain('Target "colour" has two classes: "blue" → 0, "red" → 1.');
    const red = new Set([1.5, 6, 4.1].map(Math.fround));
    for (let i = 0; i < ds.train.n; i++) expect(ds.train.y[i]).toBe(red.has(ds.train.x[i]) ? 1 : 0);
  });

  it('treats a numeric target of only 0 and 1 as binary', () => {
    const { dataset: ds, notes } = dataset(load('x,ok\n1,0\n2,1\n3,1\n4,0\n', { x: 'feature', ok: 'target' }));
    expect(ds.task).toBe('binary');
    expect(notes.join(' ')).toMatch(/only 0 and 1: treated as binary/);
  });

  it('treats any other numeric target as regression, standardised with training statistics', () => {
    const lines = ['x,z,y'];
    for (let i = 0; i < 40; i++) lines.push(`${i},${(i * 7) % 11},${3 * i + 10}`);
    const { dataset: ds } = dataset(load(lines.join('\n'), { x: 'feature', z: 'feature', y: 'target' }, { standardize: true, trainRatio: 0.75, seed: 3 }));
    expect(ds.task).toBe('regression');
    expect(ds.train.n).toBe(30);
    const scale = ds.targetScale;
    if (!scale) throw new Error('no targetScale');
    const ty = [...ds.train.y];
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(ty)).toBeCloseTo(0, 5);
    expect(Math.sqrt(mean(ty.map((v) => v * v)))).toBeCloseTo(1, 5);
    for (let j = 0; j < 2; j++) {
      const col = Array.from({ length: ds.train.n }, (_, i) => ds.train.x[i * 2 + j]);
      expect(mean(col)).toBeCloseTo(0, 5);
      expect(Math.sqrt(mean(col.map((v) => v * v)))).toBeCloseTo(1, 5);
    }
    // Undo the scaling: every target is 3i + 10 for a whole i from 0 to 39 again, each once.
    const recovered = [...ds.train.y, ...ds.test.y].map((v) => (v * scale.std[0] + scale.mean[0] - 10) / 3);
    for (const i of recovered) expect(Math.abs(i - Math.round(i))).toBeLessThan(1e-3);
    expect(recovered.map(Math.round).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('allows several numeric targets (multi-output regression)', () => {
    const { dataset: ds } = dataset(load('a,b,c\n1,2,3\n4,5,7\n7,8,9\n', { a: 'feature', b: 'target', c: 'target' }));
    expect(ds.task).toBe('regression');
    expect(ds.targetNames).toEqual(['b', 'c']);
    expect(rowsOf(ds.train.y, 2)).toEqual([[2, 3], [5, 7], [8, 9]]);
  });

  it('is deterministic by seed and splits by the train ratio', () => {
    const lines = ['x,label'];
    for (let i = 0; i < 100; i++) lines.push(`${i},${i % 3 === 0 ? 'a' : 'b'}`);
    const text = lines.join('\n');
    const run = (seed: number) => dataset(load(text, { x: 'feature', label: 'target' }, { trainRatio: 0.8, seed })).dataset;
    expect([...run(5).train.x]).toEqual([...run(5).train.x]);
    expect([...run(5).train.x]).not.toEqual([...run(6).train.x]);
    expect(run(5).train.n).toBe(80);
    // Stratified: 34 'a' rows and 66 'b' rows, each split 80/20.
    expect([...run(5).train.y].filter((v) => v === 0).length).toBe(27);
  });

  it('drops rows with a missing value when asked, and says how many', () => {
    const r = load('a,b\n1,2\n,3\n4,NA\n5,6\n', { a: 'feature', b: 'target' }, { missing: 'drop' });
    const { dataset: ds, notes } = dataset(r);
    expect(ds.train.n).toBe(2);
    expect(notes).toContain('2 of 4 rows dropped for a missing value.');
  });

  it('ignores columns without a role, even with missing or text cells', () => {
    const { dataset: ds } = dataset(load('a,junk,b\n1,,2\n3,hello,4\n', { a: 'feature', b: 'target' }));
    expect(ds.featureNames).toEqual(['a']);
  });

  describe('errors name the row and column', () => {
    it('an empty file', () => {
      expect(errors(load('', { a: 'feature' }))).toEqual([{ message: 'The file is empty.' }]);
    });

    it('a file with only a header', () => {
      expect(errors(load('a,b,label\n', { a: 'feature', label: 'target' }))).toEqual([{ message: 'The file has only a header line and no data rows.' }]);
      expect(errors(load('\n\na,b,label', { a: 'feature', label: 'target' }))).toEqual([{ message: 'The file has only a header line and no data rows.' }]);
    });

    it('a ragged row: which row, how many fields', () => {
      const e = errors(load('a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11,12\n', { a: 'feature', c: 'target' }));
      expect(e).toEqual([
        { row: 4, message: 'Row 4 has 2 fields; expected 3 like row 1.' },
        { row: 5, message: 'Row 5 has 4 fields; expected 3 like row 1.' },
      ]);
    });

    it('a non-numeric cell in a feature column: row, column and the value', () => {
      const e = errors(load('a,b\n1,2\n3,4\nfive,6\n7,8\n', { a: 'feature', b: 'target' }));
      expect(e).toEqual([{ row: 4, column: 'a', message: 'Row 4, column "a": "five" is not a number.' }]);
    });

    it('a number too large for float32 in a feature column', () => {
      const e = errors(load('a,b\n1,2\n1e39,4\n', { a: 'feature', b: 'target' }));
      expect(e).toEqual([{ row: 3, column: 'a', message: 'Row 3, column "a": "1e39" is outside the range of 32-bit floats (±3.4e38).' }]);
      const inf = errors(load('a,b\n1,2\n1e999,4\n', { a: 'feature', b: 'target' }));
      expect(inf[0]).toMatchObject({ row: 3, column: 'a' });
    });

    it('a text column chosen as the only feature: no numeric feature column', () => {
      const e = errors(load(FLOWERS, { colour: 'feature', species: 'target' }));
      expect(e[0]).toEqual({
        row: 2,
        column: 'colour',
        message: 'Feature column "colour" holds text (e.g. "red" in row 2), not numbers; mark it ignored or make it the target.',
      });
      expect(e[1]).toEqual({ message: 'No numeric feature column: at least one feature column must hold numbers.' });
    });

    it('no feature column chosen', () => {
      expect(errors(load(FLOWERS, { species: 'target' }))).toEqual([{ message: 'No feature column chosen: mark at least one numeric column as a feature.' }]);
    });

    it('no target column chosen', () => {
      expect(errors(load(FLOWERS, { length: 'feature', width: 'feature' }))).toEqual([
        { message: 'No target column chosen: mark the column to predict as the target.' },
      ]);
    });

    it('more than one target when one is categorical', () => {
      const e = errors(load(FLOWERS, { length: 'feature', width: 'target', species: 'target' }));
      expect(e).toHaveLength(1);
      expect(e[0].column).toBe('species');
      expect(e[0].message).toMatch(/More than one target column \(width, species\).*exactly one target column/);
    });

    it('a missing value in a used column', () => {
      const e = errors(load('a,b,c\n1,2,x\n,4,y\n5,6,\n7,null,x\n', { a: 'feature', b: 'feature', c: 'target' }));
      expect(e).toEqual([
        { row: 3, column: 'a', message: 'Row 3, column "a": missing value (empty).' },
        { row: 4, column: 'c', message: 'Row 4, column "c": missing value (empty).' },
        { row: 5, column: 'b', message: 'Row 5, column "b": missing value ("null").' },
      ]);
    });

    it('row numbers count the header and blank lines as the file shows them', () => {
      const e = errors(load('a,b\n\n1,2\n\nx,3\n', { a: 'feature', b: 'target' }));
      expect(e).toEqual([{ row: 5, column: 'a', message: 'Row 5, column "a": "x" is not a number.' }]);
    });

    it('a role for a column the file does not have', () => {
      const e = errors(load(FLOWERS, { length: 'feature', Species: 'target' }));
      expect(e).toEqual([{ column: 'Species', message: 'There is no column "Species" in the file (columns: length, width, colour, species).' }]);
    });

    it('a target with a single class', () => {
      const e = errors(load('a,b\n1,yes\n2,yes\n', { a: 'feature', b: 'target' }));
      expect(e).toEqual([{ column: 'b', message: 'Target column "b" has a single class "yes"; a classifier needs at least two.' }]);
    });

    it('an empty feature or target column', () => {
      const e = errors(load('a,b,c\n1,,\n2,,\n', { a: 'feature', b: 'feature', c: 'target' }));
      expect(e).toEqual([
        { column: 'b', message: 'Feature column "b" is empty.' },
        { column: 'c', message: 'Target column "c" is empty.' },
      ]);
    });

    it('a file over the row limit', () => {
      const text = 'a,b\n' + '1,2\n'.repeat(MAX_CSV_ROWS + 1);
      const e = errors(load(text, { a: 'feature', b: 'target' }));
      expect(e).toEqual([{ message: 'The file has more than 200,000 rows; Netwright reads at most 200,000. Use a sample of it.' }]);
      // Exactly at the limit is fine.
      const atLimit = dataset(load('a,b\n' + '1,2\n'.repeat(MAX_CSV_ROWS), { a: 'feature', b: 'target' }));
      expect(atLimit.dataset.train.n).toBe(MAX_CSV_ROWS);
    });

    it('a test value that scaling would blow past float32 (fuzz seed 86956089)', () => {
      const text = '0,0\n3.1434555694052576e-162,0\n-7.563655858275558e-124,-7.563655858275558e-124';
      const e = errors(load(text, { 'column 1': 'feature', 'column 2': 'target' }, { standardize: true, trainRatio: 0.7, seed: 86956089 }));
      expect(e[0].message).toMatch(/^Feature "column 1" of row 3 is -Infinity after scaling.*barely varies in the training rows/);
      // Unscaled, the same file is fine.
      const plain = dataset(load(text, { 'column 1': 'feature', 'column 2': 'target' }, { trainRatio: 0.7, seed: 86956089 }));
      expect(plain.dataset.train.n + plain.dataset.test.n).toBe(3);
    });

    it('bad split options', () => {
      expect(errors(load(FLOWERS, { length: 'feature', species: 'target' }, { trainRatio: 0 }))[0].message).toMatch(/train ratio/);
      expect(errors(load(FLOWERS, { length: 'feature', species: 'target' }, { seed: Number.NaN }))[0].message).toMatch(/seed/);
    });

    it('many problems are capped with a count of the rest', () => {
      const text = 'a,b\n' + 'x,1\n'.repeat(50);
      const e = errors(load(text, { a: 'feature', b: 'target' }));
      expect(e.map((x) => x.message)).toEqual([
        'Feature column "a" holds text (e.g. "x" in row 2), not numbers; mark it ignored or make it the target.',
        'No numeric feature column: at least one feature column must hold numbers.',
      ]);
      const mixed = 'a,b\n1,1\n' + 'x,1\n'.repeat(50);
      const m = errors(load(mixed, { a: 'feature', b: 'target' }));
      expect(m).toHaveLength(21);
      expect(m[20].message).toBe('…and 30 more problems like these.');
      expect(m.slice(0, 20).every((x) => x.row !== undefined && x.column === 'a')).toBe(true);
    });
  });
});
