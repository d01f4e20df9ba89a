// In-process A/B of the max-pool kernels: the working tree's assembly/ (B) against a git revision's
// (A, default HEAD), both compiled here with plain SIMD and instantiated on ONE shared memory, so
// both run on the same buffers in the same process. 1 thread (the kernels are called directly).
// Per case: interleaved calls (kernel-ab.ts); prints the median per-call time of the
// rounds and A/B (> 1: B is faster). Also checks that A and B write bit-identical outputs.
// Run: node dist/bench/pool-ab.js [git-rev]
import { buildKernels, interleaved } from './kernel-ab.js';
import { moduleImports } from '../src/wasm/kernel-names.js';

const rev = process.argv[2] ?? 'HEAD';

// A: the revision's assembly/; B: the working tree's. Both also export conv-direct's maxPoolRows (the
// fused conv + pool inference path's pooling), which the module keeps internal.
const extra = "export { maxPoolRows } from './conv-direct';";
const bytesA = buildKernels(rev, 'simd', extra);
const bytesB = buildKernels('working-tree', 'simd', extra);

const memory = new WebAssembly.Memory({ initial: 256, maximum: 32768, shared: true });
const imports = moduleImports(memory);
type Entry = (params: number, begin: number, end: number, scratch: number) => void;
const instA = new WebAssembly.Instance(new WebAssembly.Module(bytesA), imports).exports as Record<string, Entry>;
const instB = new WebAssembly.Instance(new WebAssembly.Module(bytesB), imports).exports as Record<string, Entry>;

let top = 1024;
/** A 64-byte aligned float buffer in the shared memory. */
function alloc(n: number): { at: number; f: Float32Array } {
  const at = top;
  top += Math.ceil(n * 4 / 64) * 64;
  return { at, f: new Float32Array(memory.buffer, at, n) };
}
let seed = 12345;
const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };

interface Case { name: string; kernel: string; shape: number[]; ties: number; relu: number }
const cases: Case[] = [
  { name: 'pool1 forward', kernel: 'maxPoolForward', shape: [32, 28, 28, 6], ties: 0, relu: 0 },
  { name: 'pool1 grad first+relu', kernel: 'maxPoolBackward', shape: [32, 28, 28, 6], ties: 0, relu: 1 },
  { name: 'pool1 grad all+relu', kernel: 'maxPoolBackward', shape: [32, 28, 28, 6], ties: 1, relu: 1 },
  { name: 'pool1 grad first', kernel: 'maxPoolBackward', shape: [32, 28, 28, 6], ties: 0, relu: 0 },
  { name: 'pool2 forward', kernel: 'maxPoolForward', shape: [32, 10, 10, 16], ties: 0, relu: 0 },
  { name: 'pool2 grad first+relu', kernel: 'maxPoolBackward', shape: [32, 10, 10, 16], ties: 0, relu: 1 },
  { name: 'conv1 fused pool rows', kernel: 'maxPoolRows', shape: [32, 28, 28, 6], ties: 0, relu: 0 },
  { name: 'conv2 fused pool rows', kernel: 'maxPoolRows', shape: [32, 10, 10, 16], ties: 0, relu: 0 },
];
const only = process.env.CASES ? new RegExp(process.env.CASES) : null;

for (const c of cases) {
  if (only && !only.test(c.name)) continue;
  const [batch, h, w, ch] = c.shape;
  const oh = h >> 1, ow = w >> 1;
  const inN = batch * h * w * ch, outN = batch * oh * ow * ch;
  // Relu-like inputs: a third are 0, values on a coarse grid so some windows tie.
  const x = alloc(inN), dy = alloc(outN), outA = alloc(c.kernel === 'maxPoolBackward' ? inN : outN), outB = alloc(outA.f.length);
  for (let i = 0; i < inN; i++) x.f[i] = Math.max(0, Math.round((random() - 0.33) * 64) / 8);
  for (let i = 0; i < outN; i++) dy.f[i] = random() - 0.5;
  const params = (out: number) => {
    const p = alloc(17);
    const fwd = c.kernel === 'maxPoolForward';
    new Int32Array(memory.buffer, p.at, 17).set([
      fwd ? x.at : dy.at, fwd ? 0 : x.at, out, batch, h, w, ch, 2, 2, 2, 2, 0, 0, oh, ow, c.ties, c.relu,
    ]);
    return p.at;
  };
  const pA = params(outA.at), pB = params(outB.at);
  // maxPoolRows(top, rowBytes, out, pw, c) pools one pair of rows: called for every pair of the batch.
  const rowsCall = (f: Function, out: number) => () => {
    const rowBytes = w * ch * 4;
    for (let r = 0; r < batch * oh; r++) f(x.at + 2 * r * rowBytes, rowBytes, out + r * ow * ch * 4, ow, ch);
  };
  const [fa, fb] = c.kernel === 'maxPoolRows'
    ? [rowsCall(instA.maxPoolRows, outA.at), rowsCall(instB.maxPoolRows, outB.at)].map((f) => (() => f()) as unknown as Entry)
    : [instA[c.kernel], instB[c.kernel]];
  fa(pA, 0, batch, 0); fb(pB, 0, batch, 0);
  const ua = new Uint32Array(outA.f.buffer, outA.at, outA.f.length), ub = new Uint32Array(outB.f.buffer, outB.at, outB.f.length);
  let diff = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) diff++;
  const { a, b } = interleaved(() => fa(pA, 0, batch, 0), () => fb(pB, 0, batch, 0));
  console.log(`${c.name.padEnd(24)} A ${a.toFixed(1).padStart(7)} µs  B ${b.toFixed(1).padStart(7)} µs  A/B ${(a / b).toFixed(2)}×  ${diff ? `DIFFERENT in ${diff} elements` : 'identical'}`);
}
