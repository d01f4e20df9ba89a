/**
 * The wasm exports the worker pool can run, shared by the calling thread and the workers so a task
 * crosses the thread boundary as a small integer. Each has the signature
 * (params, begin, end, scratch) described in assembly/index.ts.
 */
export const POOL_KERNELS = [
  'gemm',
  'conv2dForward', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'conv2dBackpropFilterPieces',
  'maxPoolForward', 'avgPoolForward', 'maxPoolBackward', 'avgPoolBackward',
  'relu', 'reluGrad', 'biasGrad', 'biasAct', 'softmaxCrossEntropy', 'adamUpdate', 'adamUpdateList',
] as const;

export type PoolKernel = typeof POOL_KERNELS[number];

export type PoolEntry = (params: number, begin: number, end: number, scratch: number) => void;

/** The module's exports as the JavaScript side sees them. */
export interface KernelExports extends Record<PoolKernel, PoolEntry> {
  gemmScratchFloats(n: number): number;
  convScratchFloats(params: number): number;
  conv2dBackpropFilterReduce(params: number, partials: number, count: number): void;
}

/** What an instance of the module imports: the shared memory, and Math for exp/log (no static data). */
export function moduleImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, 'Math.exp': Math.exp, 'Math.log': Math.log } };
}
