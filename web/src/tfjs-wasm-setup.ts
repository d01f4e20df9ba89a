/**
 * TensorFlow.js's WASM backend fetches its .wasm files at run time; Vite emits them as assets (the ?url
 * imports) and setWasmPaths tells the backend where they are. With cross-origin isolation it picks its
 * threaded SIMD build and runs setThreadsCount(n) threads.
 */
import { setWasmPaths, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export function configureTfjsWasm(threads: number): void {
  const abs = (u: string) => new URL(u, self.location.href).href;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': abs(plainUrl),
    'tfjs-backend-wasm-simd.wasm': abs(simdUrl),
    'tfjs-backend-wasm-threaded-simd.wasm': abs(threadedSimdUrl),
  });
  setThreadsCount(threads);
}

export function tfjsWasmThreads(): number {
  return getThreadsCount();
}
