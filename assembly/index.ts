// Entry of the kernel module. Every "pool entry" has the signature
// (params: usize, begin: i32, end: i32, scratch: usize): params points at a block of 32-bit slots
// written by the JavaScript wrapper, [begin, end) is this thread's share of the work items, and
// scratch is memory private to this thread. The module owns no memory of its own: no static data,
// no allocator; the JavaScript side manages the one shared memory.
export { gemm, gemmScratchFloats } from './gemm';
export {
  convScratchFloats, conv2dForward, conv2dBackpropInput, conv2dBackpropFilter, conv2dBackpropFilterPieces, conv2dBackpropFilterReduce,
} from './conv';
export { maxPoolForward, avgPoolForward, maxPoolBackward, avgPoolBackward } from './pool';
export { relu, reluGrad, biasGrad, biasAct, softmaxCrossEntropy, adamUpdate, adamUpdateList } from './elementwise';
