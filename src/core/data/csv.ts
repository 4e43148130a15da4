/**
 * CSV import: look at a file to offer column roles (`inspectCsv`), then turn it into a Dataset (`datasetFromCsv`).
 * Parsing is papaparse's (delimiter guessed among , ; tab |, quotes per RFC 4180); the rest is ours.
 *
 * Decisions, so the UI and the docs can say them:
 * - Rows are numbered as the user sees the file: 1-based records, the header line counted. Blank lines (and lines
 *   of only delimiters, ",,,") are skipped but still counted, so the numbers match a text editor's lines unless a
 *   quoted cell spans lines.
 * - Cells are trimmed. A cell that is empty or one of NA, N/A, NaN, null, ? (any case) is a missing value.
 * - Header: the first line is a header when some column has a non-numeric first cell and mostly (more than half)
 *   numbers below it, or the file is a single line with no number in it. Otherwise columns are named "column 1"…
 *   Empty header cells get those names too; a repeated name gets " (2)", " (3)"… appended.
 * - A column is numeric when every non-missing cell is a finite decimal number (1, -2.5, .5, 3e-4), categorical
 *   when some cell is not, empty when every cell is missing.
 * - Features must be numeric. One categorical target → classes (sorted by their text): 2 classes → binary 0/1 in
 *   one column named after the target column, more → one-hot multiclass named by class. A single numeric target
 *   holding only 0 and 1 → binary; any other numeric target(s) → regression (standardised with train statistics
 *   when `standardize` is on, `targetScale` set).
 * - Missing values in a used column are errors (each named by row and column) unless `missing: 'drop'`.
 * - At most MAX_CSV_ROWS data rows.
 */
import { FLOAT32_MAX, buildDataset, checkSplitOptions, type Table } from './build';
import { parseRecords } from './papa';
import type { Dataset, Task } from './types';

export const MAX_CSV_ROWS = 200_000;
/** More errors than this are summarised in one last "…and N more" error. */
export const MAX_CSV_ERRORS = 20;
/** A categorical target with more classes than this is almost surely an id or free text. */
export const MAX_CSV_CLASSES = 1000;

export type ColumnKind = 'numeric' | 'categorical' | 'empty';

export interface CsvColumn {
  name: string;
  kind: ColumnKind;
  /** Number of distinct non-missing values (counting stops past MAX_CSV_CLASSES). */
  distinct?: number;
  /** Up to five non-missing values from the top of the column, as written. */
  sample: string[];
  /** Number of missing cells. */
  missing: number;
}

export type CsvInspection =
  | { ok: true; columns: CsvColumn[]; rowCount: number; hasHeader: boolean; delimiter: string }
  | { ok: false; error: string };

export interface CsvError {
  /** 1-based as the user sees the file, counting the header line. */
  row?: number;
  column?: string;
  message: string;
}

export type ColumnRole = 'feature' | 'target' | 'ignored';

export interface CsvOptions {
  /** Roles by column name; a column not listed is ignored. */
  roles: Record<string, ColumnRole>;
  standardize: boolean;
  trainRatio: number;
  seed: number;
  /** For the data set's name. */
  fileName?: string;
  /** What to do with a missing value in a used column: report it (default) or drop its row. */
  missing?: 'error' | 'drop';
}

export type CsvResult = { ok: true; dataset: Dataset; notes: string[] } | { ok: false; errors: CsvError[] };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', '?']);

export function isMissingCell(cell: string): boolean {
  return MISSING.has(cell.toLowerCase());
}

/** The number in a trimmed cell, or undefined if it is not a plain finite decimal. */
export function parseNumberCell(cell: string): number | undefined {
  if (!NUMBER.test(cell)) return undefined;
  const v = Number(cell);
  return Number.isFinite(v) ? v : undefined;
}

function isNumberCell(cell: string): boolean {
  return parseNumberCell(cell) !== undefined;
}

function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** The file as a grid of trimmed cells with column names, before any roles are applied. */
interface Grid {
  names: string[];
  hasHeader: boolean;
  /** Data rows only (no header, no blank lines). */
  rows: string[][];
  /** File row number (1-based, header counted) of each data row. */
  rowNumbers: number[];
  /** File row number of the header, when there is one. */
  headerRow?: number;
  delimiter: string;
}

/** A blank line, or a line of only delimiters and spaces (spreadsheets write ",,," below the data). */
function isBlankRecord(record: string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

function detectHeader(records: string[][]): boolean {
  const first = records[0];
  if (records.length === 1) return first.every((c) => isMissingCell(c) || !isNumberCell(c)) && first.some((c) => !isMissingCell(c));
  for (let j = 0; j < first.length; j++) {
    if (isMissingCell(first[j]) || isNumberCell(first[j])) continue;
    let numbers = 0;
    let others = 0;
    for (let i = 1; i < records.length; i++) {
      const cell = records[i][j];
      if (isMissingCell(cell)) continue;
      if (isNumberCell(cell)) numbers++;
      else others++;
    }
    // Mostly numbers below: a stray bad cell must not turn the header into a data row.
    if (numbers > others) return true;
  }
  return false;
}

function columnNames(header: string[] | undefined, width: number): string[] {
  const names: string[] = [];
  const used = new Set<string>();
  for (let j = 0; j < width; j++) {
    const base = header && header[j] !== '' ? header[j] : `column ${j + 1}`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base} (${k})`;
    used.add(name);
    names.push(name);
  }
  return names;
}

function readGrid(text: string): { ok: true; grid: Grid } | { ok: false; errors: CsvError[] } {
  if (typeof text !== 'string') return { ok: false, errors: [{ message: 'The file is not text.' }] };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, errors: [{ message: 'The file is empty.' }] };

  // Read a few records past the limit, so that "too many rows" is known without parsing a huge file to the end.
  const parsed = parseRecords(body, { delimiter: guessDelimiter(body), skipEmptyLines: false, preview: MAX_CSV_ROWS + 3 });
  const errors: CsvError[] = [];
  for (const e of parsed.errors) {
    if (e.type !== 'Quotes') continue; // 'Delimiter': a single column; papaparse falls back to a comma.
    errors.push({
      row: e.row === undefined ? undefined : e.row + 1,
      message: e.code === 'MissingQuotes' ? 'A quoted cell is never closed (a " is missing).' : `Malformed quotes: ${e.message}.`,
    });
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };

  const records: string[][] = [];
  const lineOf: number[] = [];
  parsed.data.forEach((record, i) => {
    if (isBlankRecord(record)) return;
    records.push(record.map((c) => c.trim()));
    lineOf.push(i + 1);
  });
  if (records.length === 0) return { ok: false, errors: [{ message: 'The file is empty.' }] };
  const more = parsed.meta.truncated && body.slice(parsed.meta.cursor).trim() !== '';
  if (more || records.length > MAX_CSV_ROWS + 1) {
    return {
      ok: false,
      errors: [{ message: `The file has more than ${formatCount(MAX_CSV_ROWS)} rows; Netwright reads at most ${formatCount(MAX_CSV_ROWS)}. Use a sample of it.` }],
    };
  }

  const width = records[0].length;
  for (let i = 1; i < records.length; i++) {
    if (records[i].length !== width) {
      errors.push({
        row: lineOf[i],
        message: `Row ${lineOf[i]} has ${records[i].length} field${records[i].length === 1 ? '' : 's'}; expected ${width} like row ${lineOf[0]}.`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };

  const hasHeader = detectHeader(records);
  const grid: Grid = {
    names: columnNames(hasHeader ? records[0] : undefined, width),
    hasHeader,
    rows: hasHeader ? records.slice(1) : records,
    rowNumbers: hasHeader ? lineOf.slice(1) : lineOf,
    delimiter: parsed.meta.delimiter,
  };
  if (hasHeader) grid.headerRow = lineOf[0];
  if (grid.rows.length > MAX_CSV_ROWS) {
    return { ok: false, errors: [{ message: `The file has more than ${formatCount(MAX_CSV_ROWS)} rows; Netwright reads at most ${formatCount(MAX_CSV_ROWS)}. Use a sample of it.` }] };
  }
  return { ok: true, grid };
}

const DELIMITERS = [',', ';', '\t', '|'];
const GUESS_BYTES = 1 << 18;

/**
 * The delimiter that splits the first lines into the same number (> 1) of fields, the most fields winning; ties go
 * to the earlier of , ; tab |. A comma when none does (one column, or a ragged file whose rows we then report).
 * (papaparse's own guess gives up on a file as plain as "a;b\n1;2\n" when it ends with a newline.)
 */
function guessDelimiter(body: string): string {
  // The first 256 kB (cut at a line end) hold the 50 lines looked at; no need to split a huge file four times.
  const head = body.length <= GUESS_BYTES ? body : body.slice(0, Math.max(body.lastIndexOf('\n', GUESS_BYTES), 1));
  let best = ',';
  let bestFields = 1;
  for (const delimiter of DELIMITERS) {
    const probe = parseRecords(head, { delimiter, skipEmptyLines: 'greedy', preview: 50 });
    if (probe.errors.some((e) => e.type === 'Quotes') || probe.data.length === 0) continue;
    const fields = probe.data[0].length;
    if (fields > bestFields && probe.data.every((r) => r.length === fields)) {
      best = delimiter;
      bestFields = fields;
    }
  }
  return best;
}

function capErrors(errors: CsvError[]): CsvError[] {
  if (errors.length <= MAX_CSV_ERRORS) return errors;
  return [...errors.slice(0, MAX_CSV_ERRORS), { message: `…and ${formatCount(errors.length - MAX_CSV_ERRORS)} more problems like these.` }];
}

interface ColumnScan extends CsvColumn {
  /** First non-numeric, non-missing cell: its data row index. */
  firstOther?: number;
}

function scanColumn(grid: Grid, j: number): ColumnScan {
  const distinct = new Set<string>();
  const sample: string[] = [];
  let missing = 0;
  let firstOther: number | undefined;
  for (let i = 0; i < grid.rows.length; i++) {
    const cell = grid.rows[i][j];
    if (isMissingCell(cell)) {
      missing++;
      continue;
    }
    if (distinct.size <= MAX_CSV_CLASSES) distinct.add(cell);
    if (sample.length < 5) sample.push(cell);
    if (firstOther === undefined && !isNumberCell(cell)) firstOther = i;
  }
  const kind: ColumnKind = sample.length === 0 ? 'empty' : firstOther === undefined ? 'numeric' : 'categorical';
  const column: ColumnScan = { name: grid.names[j], kind, sample, missing };
  if (kind !== 'empty') column.distinct = distinct.size;
  if (firstOther !== undefined) column.firstOther = firstOther;
  return column;
}

/** Column names, kinds and samples for the column-role UI. Never throws. */
export function inspectCsv(text: string): CsvInspection {
  const read = readGrid(text);
  if (!read.ok) {
    const [first, ...rest] = read.errors;
    const where = first.row === undefined ? '' : `Row ${first.row}: `;
    const message = first.message.startsWith(`Row ${first.row} `) ? first.message : where + first.message;
    return { ok: false, error: rest.length > 0 ? `${message} (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : message };
  }
  const { grid } = read;
  const columns = grid.names.map((_, j) => {
    const { firstOther: _firstOther, ...column } = scanColumn(grid, j);
    return column;
  });
  return { ok: true, columns, rowCount: grid.rows.length, hasHeader: grid.hasHeader, delimiter: grid.delimiter };
}

/** Sort class labels: numbers by value when all are numbers, otherwise by their text (code units, locale-free). */
function sortClasses(labels: string[]): string[] {
  if (labels.every(isNumberCell)) return labels.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  return labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Turn CSV text and column roles into a Dataset, or say precisely what is wrong. Never throws. */
export function datasetFromCsv(text: string, options: CsvOptions): CsvResult {
  const optionProblem = checkSplitOptions(options?.trainRatio, options?.seed);
  if (optionProblem) return { ok: false, errors: [{ message: optionProblem }] };
  const read = readGrid(text);
  if (!read.ok) return read;
  const { grid } = read;
  const notes: string[] = [];
  notes.push(
    grid.hasHeader
      ? `Row ${grid.headerRow} read as the header.`
      : `No header row found: columns are named "column 1" to "column ${grid.names.length}".`,
  );
  if (grid.rows.length === 0) {
    return { ok: false, errors: [{ message: 'The file has only a header line and no data rows.' }] };
  }

  // Roles.
  const errors: CsvError[] = [];
  const roles = options.roles ?? {};
  for (const [name, role] of Object.entries(roles)) {
    if (!grid.names.includes(name)) {
      errors.push({ column: name, message: `There is no column "${name}" in the file (columns: ${grid.names.join(', ')}).` });
    } else if (role !== 'feature' && role !== 'target' && role !== 'ignored') {
      errors.push({ column: name, message: `Column "${name}" has an unknown role ${quote(String(role))}; use feature, target or ignored.` });
    }
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };
  const roleOf = (name: string): ColumnRole => (Object.prototype.hasOwnProperty.call(roles, name) ? roles[name] : 'ignored');
  const featureCols = grid.names.map((_, j) => j).filter((j) => roleOf(grid.names[j]) === 'feature');
  const targetCols = grid.names.map((_, j) => j).filter((j) => roleOf(grid.names[j]) === 'target');
  const scans = new Map<number, ColumnScan>();
  const scan = (j: number) => {
    let s = scans.get(j);
    if (!s) scans.set(j, (s = scanColumn(grid, j)));
    return s;
  };

  if (targetCols.length === 0) errors.push({ message: 'No target column chosen: mark the column to predict as the target.' });
  if (featureCols.length === 0) errors.push({ message: 'No feature column chosen: mark at least one numeric column as a feature.' });

  // Features must be numbers.
  let numericFeatures = 0;
  for (const j of featureCols) {
    const s = scan(j);
    const name = grid.names[j];
    if (s.kind === 'empty') {
      errors.push({ column: name, message: `Feature column "${name}" is empty.` });
    } else if (s.kind === 'numeric') {
      numericFeatures++;
    } else if (countNumbers(grid, j) === 0) {
      const i = s.firstOther as number;
      errors.push({
        row: grid.rowNumbers[i],
        column: name,
        message: `Feature column "${name}" holds text (e.g. ${quote(grid.rows[i][j])} in row ${grid.rowNumbers[i]}), not numbers; mark it ignored or make it the target.`,
      });
    } else {
      numericFeatures++; // Meant to be numeric: report its bad cells, not the column.
      for (let i = 0; i < grid.rows.length; i++) {
        const cell = grid.rows[i][j];
        if (!isMissingCell(cell) && !isNumberCell(cell)) {
          const why = NUMBER.test(cell) ? 'is too large to be a number here' : 'is not a number';
          errors.push({ row: grid.rowNumbers[i], column: name, message: `Row ${grid.rowNumbers[i]}, column "${name}": ${quote(cell)} ${why}.` });
        }
      }
    }
  }
  if (featureCols.length > 0 && numericFeatures === 0) {
    errors.push({ message: 'No numeric feature column: at least one feature column must hold numbers.' });
  }

  // The target decides the task.
  const targetScans = targetCols.map(scan);
  const categoricalTargets = targetCols.filter((_, k) => targetScans[k].kind === 'categorical');
  for (let k = 0; k < targetCols.length; k++) {
    if (targetScans[k].kind === 'empty') errors.push({ column: grid.names[targetCols[k]], message: `Target column "${grid.names[targetCols[k]]}" is empty.` });
  }
  if (categoricalTargets.length > 0 && targetCols.length > 1) {
    errors.push({
      column: grid.names[categoricalTargets[0]],
      message: `More than one target column (${targetCols.map((j) => grid.names[j]).join(', ')}), and "${grid.names[categoricalTargets[0]]}" holds class labels: a classifier takes exactly one target column.`,
    });
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };

  // Missing values in used columns.
  const used = [...featureCols, ...targetCols];
  const keep: number[] = [];
  for (let i = 0; i < grid.rows.length; i++) {
    const holes = used.filter((j) => isMissingCell(grid.rows[i][j]));
    if (holes.length === 0) {
      keep.push(i);
    } else if (options.missing !== 'drop') {
      for (const j of holes) {
        const shown = grid.rows[i][j] === '' ? 'empty' : quote(grid.rows[i][j]);
        errors.push({ row: grid.rowNumbers[i], column: grid.names[j], message: `Row ${grid.rowNumbers[i]}, column "${grid.names[j]}": missing value (${shown}).` });
      }
    }
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };
  if (keep.length < grid.rows.length) {
    notes.push(`${formatCount(grid.rows.length - keep.length)} of ${formatCount(grid.rows.length)} rows dropped for a missing value.`);
  }
  if (keep.length === 0) return { ok: false, errors: [{ message: 'Every row has a missing value in a used column; no rows are left.' }] };

  // Numbers, within float32.
  const n = keep.length;
  const f = featureCols.length;
  const x = new Float64Array(n * f);
  const cellNumber = (r: number, j: number): number | undefined => {
    const i = keep[r];
    const v = parseNumberCell(grid.rows[i][j]);
    if (v !== undefined && Math.abs(v) <= FLOAT32_MAX) return v;
    errors.push({
      row: grid.rowNumbers[i],
      column: grid.names[j],
      message: `Row ${grid.rowNumbers[i]}, column "${grid.names[j]}": ${quote(grid.rows[i][j])} is outside the range of 32-bit floats (±3.4e38).`,
    });
    return undefined;
  };
  for (let r = 0; r < n; r++) {
    featureCols.forEach((j, k) => {
      x[r * f + k] = cellNumber(r, j) ?? 0;
    });
  }

  let task: Task;
  let targetNames: string[];
  let y: Float64Array;
  let classOf: Int32Array | undefined;
  if (categoricalTargets.length === 1) {
    const j = targetCols[0];
    const name = grid.names[j];
    const classes = sortClasses([...new Set(keep.map((i) => grid.rows[i][j]))]);
    if (classes.length < 2) {
      return { ok: false, errors: [{ column: name, message: `Target column "${name}" has a single class ${quote(classes[0])}; a classifier needs at least two.` }] };
    }
    if (classes.length > MAX_CSV_CLASSES) {
      return { ok: false, errors: [{ column: name, message: `Target column "${name}" has more than ${MAX_CSV_CLASSES} different values; is it an id or free text?` }] };
    }
    const index = new Map(classes.map((c, k) => [c, k]));
    classOf = Int32Array.from(keep, (i) => index.get(grid.rows[i][j]) as number);
    if (classes.length === 2) {
      task = 'binary';
      targetNames = [name];
      y = Float64Array.from(classOf);
      notes.push(`Target "${name}" has two classes: ${quote(classes[0])} → 0, ${quote(classes[1])} → 1.`);
    } else {
      task = 'multiclass';
      targetNames = classes;
      y = new Float64Array(n * classes.length);
      classOf.forEach((c, r) => {
        y[r * classes.length + c] = 1;
      });
      notes.push(`Target "${name}" has ${classes.length} classes, one-hot encoded: ${classes.map((c) => quote(c)).join(', ')}.`);
    }
  } else {
    const t = targetCols.length;
    y = new Float64Array(n * t);
    for (let r = 0; r < n; r++) {
      targetCols.forEach((j, k) => {
        y[r * t + k] = cellNumber(r, j) ?? 0;
      });
    }
    targetNames = targetCols.map((j) => grid.names[j]);
    if (t === 1 && y.every((v) => v === 0 || v === 1) && new Set(y).size === 2) {
      task = 'binary';
      classOf = Int32Array.from(y);
      notes.push(`Target "${targetNames[0]}" holds only 0 and 1: treated as binary classification.`);
    } else {
      task = 'regression';
      notes.push(`Target${t > 1 ? 's' : ''} ${targetNames.map((s) => quote(s)).join(', ')}: regression.`);
    }
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };

  const table: Table = {
    n,
    featureNames: featureCols.map((j) => grid.names[j]),
    targetNames,
    task,
    x,
    y,
    classOf,
    rowLabel: (r) => `row ${grid.rowNumbers[keep[r]]}`,
  };
  const fileName = options.fileName ?? 'CSV';
  const built = buildDataset(table, {
    name: fileName,
    trainRatio: options.trainRatio,
    seed: options.seed,
    standardizeFeatures: options.standardize === true,
    standardizeTarget: options.standardize === true,
  });
  if (!built.ok) return { ok: false, errors: [{ message: built.message }] };
  if (options.standardize === true) {
    notes.push(`Features${task === 'regression' ? ' and targets' : ''} standardised with the ${formatCount(built.dataset.train.n)} training rows' mean and std.`);
  }
  if (built.constantFeatures.length > 0) {
    notes.push(`Constant in the training rows, left unscaled: ${built.constantFeatures.map((s) => quote(s)).join(', ')}.`);
  }
  notes.push(`${formatCount(built.dataset.train.n)} training and ${formatCount(built.dataset.test.n)} test rows.`);
  return { ok: true, dataset: built.dataset, notes };
}

function countNumbers(grid: Grid, j: number): number {
  let k = 0;
  for (const row of grid.rows) if (isNumberCell(row[j])) k++;
  return k;
}
