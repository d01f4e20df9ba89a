import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIdx } from '../src/io/idx.js';

/** IDX bytes for ubyte data of `shape`, written field by field from the format description. */
function makeIdx(shape: number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | shape.length, false);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(data), 4 + 4 * shape.length);
  return out;
}

test('parses ubyte images (0x803) and labels (0x801) with big-endian dimensions', () => {
  const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
  const images = parseIdx(makeIdx([2, 3, 4], pixels));
  assert.deepEqual(images.shape, [2, 3, 4]);
  assert.deepEqual(Array.from(images.data), pixels);
  const labels = parseIdx(makeIdx([300], Array.from({ length: 300 }, (_, i) => i % 10)));
  assert.deepEqual(labels.shape, [300]); // 300 > 255: the dimension really is read as a 32-bit big-endian integer
  assert.equal(labels.data[299], 9);
  assert.deepEqual(parseIdx(makeIdx([0, 28, 28], [])).shape, [0, 28, 28]);
});

test('bad magic, other element types, truncation and trailing bytes are Errors naming the source', () => {
  const good = makeIdx([2, 2], [1, 2, 3, 4]);
  const bad = (bytes: Uint8Array, pattern: RegExp): void => {
    assert.throws(() => parseIdx(bytes, 'x.idx'), (e: Error) => e.message.startsWith('x.idx: ') && pattern.test(e.message));
  };
  bad(new Uint8Array([0, 0]), /truncated IDX file: 2 bytes/);
  bad(Uint8Array.from([1, ...good.subarray(1)]), /not an IDX file/);
  const floats = new Uint8Array(good);
  floats[2] = 0x0d;
  bad(floats, /unsupported IDX element type 0x0d/);
  bad(good.subarray(0, 10), /truncated IDX file: 10 bytes, header needs 12/);
  bad(good.subarray(0, 15), /truncated IDX file: shape \[2, 2\] needs 4 bytes of data, file holds 3/);
  bad(Uint8Array.from([...good, 9]), /corrupt IDX file: .* file holds 5/);
  // A header claiming 4 billion elements in a tiny file is refused before any allocation.
  bad(makeIdx([65536, 65536], []), /4294967296 elements/);
  bad(makeIdx([60000, 28, 28], []), /needs 47040000 bytes of data, file holds 0/);
});

test('fuzz: random bytes and mutated headers give an IdxArray or a clean Error', () => {
  const good = makeIdx([3, 5], Array.from({ length: 15 }, (_, i) => i));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (noise, overlay) => {
      const bytes = overlay ? Uint8Array.from(good, (b, i) => (i < noise.length ? noise[i] : b)) : noise;
      try {
        const r = parseIdx(bytes, 'fuzz');
        assert.equal(r.data.length, r.shape.reduce((a, b) => a * b, 1));
      } catch (e) {
        if (!(e instanceof Error) || !e.message.startsWith('fuzz: ')) throw e;
      }
    }),
    { numRuns: 2000, seed: 3 },
  );
});
