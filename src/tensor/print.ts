/**
 * NumPy-exact printing of arrays: str(a) and repr(a) of NumPy 2.x with default print options
 * (threshold 1000, edgeitems 3, linewidth 75). Element formatting lives in print-format.ts; this file lays
 * the elements out: brackets, separators, line wrapping, '...' summaries and the repr's `dtype=` / `shape=`.
 */
import type { DType, TypedArray } from './dtype.js';
import { LegacyLevel, elementFormatter, formatScalar } from './print-format.js';

const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

export interface PrintOptions {
  /**
   * Like np.set_printoptions(legacy=...): '2.2' prints as NumPy up to 2.2 did (summarised reprs without
   * `shape=`, float32 switching to scientific notation at 1e8 rather than 1e6). Default: current NumPy.
   */
  legacy?: false | '2.2';
}

/** Process-wide defaults, like NumPy's np.set_printoptions; a call's own options override them. */
let defaults: PrintOptions = {};

/** cn.setPrintOptions({legacy: '2.2'}) prints as the NumPy of the spec's era; `{legacy: false}` restores current NumPy. */
export function setPrintOptions(options: PrintOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new Error(`options: expected an object like {legacy: '2.2'}, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'legacy') throw new Error(`options: unknown print option ${JSON.stringify(key)}; valid: legacy`);
  }
  if (options.legacy !== undefined && options.legacy !== false && options.legacy !== '2.2') {
    throw new Error(`options.legacy: expected false or '2.2', got ${JSON.stringify(options.legacy)}`);
  }
  defaults = { ...defaults, ...options };
}

export function getPrintOptions(): PrintOptions {
  return { ...defaults };
}

function legacyLevel(callOptions: PrintOptions): LegacyLevel {
  const options = { ...defaults, ...callOptions };
  return options.legacy === '2.2' ? 202 : Infinity;
}

/** NumPy's str(a) ('str') or repr(a) ('repr') of the row-major array `data` of `shape`. */
export function formatArray(
  data: TypedArray, shape: readonly number[], dtype: DType, style: 'str' | 'repr', options: PrintOptions = {},
): string {
  const legacy = legacyLevel(options);
  const size = data.length;
  if (style === 'str') {
    // A 0-d array prints like the scalar it holds, with all its digits.
    if (shape.length === 0) return formatScalar(data[0], dtype, legacy);
    return size === 0 ? '[]' : layOut(data, shape, dtype, ' ', '', LINE_WIDTH, legacy);
  }

  const prefix = 'array(';
  // The repr's closing ')' must fit on the line too.
  const body = size === 0 ? '[]' : layOut(data, shape, dtype, ', ', prefix, LINE_WIDTH - 1, legacy);
  const extras: string[] = [];
  if ((size === 0 && !(shape.length === 1 && shape[0] === 0)) || (legacy > 210 && size > THRESHOLD)) {
    extras.push(`shape=${pythonTuple(shape)}`);
  }
  // float64 is implied by the digits; our other types are not (int32 is not NumPy's default integer).
  if (dtype !== 'float64' || size === 0) extras.push(`dtype=${dtype}`);
  if (extras.length === 0) return prefix + body + ')';

  const head = prefix + body + ',';
  const tail = extras.join(', ') + ')';
  const lastLineLength = head.length - (head.lastIndexOf('\n') + 1);
  const spacer = lastLineLength + tail.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return head + spacer + tail;
}

/** Python's repr of a tuple of already formatted items: `(a, b)`, `(a,)`. */
export function formatTuple(items: readonly string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

function pythonTuple(shape: readonly number[]): string {
  return formatTuple(shape.map(String));
}

/** The indices shown along an axis of length n: all of them, or the first and last EDGE_ITEMS when summarising. */
function shownIndices(n: number, summarise: boolean): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  return summarise && n > 2 * EDGE_ITEMS ? [...all.slice(0, EDGE_ITEMS), ...all.slice(n - EDGE_ITEMS)] : all;
}

/** The elements that will be printed: they alone decide the number format, as in NumPy. */
function shownElements(data: TypedArray, shape: readonly number[], strides: number[], summarise: boolean): number[] {
  const out: number[] = [];
  const visit = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(data[offset]);
      return;
    }
    for (const i of shownIndices(shape[axis], summarise)) visit(axis + 1, offset + i * strides[axis]);
  };
  visit(0, 0);
  return out;
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/** Appends `word` to `line`, first breaking the line if it would pass `width` (unless breaking cannot help). */
function extendLine(text: string, line: string, word: string, width: number, indent: string): [string, string] {
  if (line.length + word.length > width && line.length > indent.length) {
    text += line.trimEnd() + '\n';
    line = indent;
  }
  return [text, line + word];
}

/** The nested-bracket text of a non-empty array, as NumPy's _formatArray builds it. */
function layOut(
  data: TypedArray, shape: readonly number[], dtype: DType, separator: string, prefix: string,
  lineWidth: number, legacy: LegacyLevel,
): string {
  const summarise = data.length > THRESHOLD;
  const strides = rowMajorStrides(shape);
  const format = elementFormatter(shownElements(data, shape, strides, summarise), dtype, legacy);
  const rank = shape.length;

  // `indent` is the text a continuation line starts with; `width` shrinks by one per level for the ']'.
  const recurse = (axis: number, offset: number, indent: string, width: number): string => {
    if (axis === rank) return format(data[offset]);
    const n = shape[axis];
    const abbreviate = summarise && n > 2 * EDGE_ITEMS;
    const leading = abbreviate ? EDGE_ITEMS : 0;
    const trailing = abbreviate ? EDGE_ITEMS : n;
    const child = (i: number): string => recurse(axis + 1, offset + i * strides[axis], indent + ' ', width - 1);
    const axesLeft = rank - axis;

    let text = '';
    if (axesLeft === 1) {
      // Innermost axis: elements separated by `separator`, wrapped to fit before the separator or ']'.
      const elementWidth = width - 1;
      let line = indent;
      for (let i = 0; i < leading; i++) {
        [text, line] = extendLine(text, line, child(i), elementWidth, indent);
        line += separator;
      }
      if (abbreviate) {
        [text, line] = extendLine(text, line, '...', elementWidth, indent);
        line += separator;
      }
      for (let i = n - trailing; i < n - 1; i++) {
        [text, line] = extendLine(text, line, child(i), elementWidth, indent);
        line += separator;
      }
      [text, line] = extendLine(text, line, child(n - 1), elementWidth, indent);
      text += line;
    } else {
      // Outer axes: one sub-array per line, with a blank line more for each further axis.
      const lineSeparator = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) text += indent + child(i) + lineSeparator;
      if (abbreviate) text += indent + '...' + lineSeparator;
      for (let i = n - trailing; i < n - 1; i++) text += indent + child(i) + lineSeparator;
      text += indent + child(n - 1);
    }
    return '[' + text.slice(indent.length) + ']';
  };
  return recurse(0, 0, ' ' + ' '.repeat(prefix.length), lineWidth);
}
