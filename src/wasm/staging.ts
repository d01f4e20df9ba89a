/**
 * Getting kernel arguments into wasm memory. A Float32Array that already lives there (from
 * wasmAlloc, see heap.ts) is used in place; any other is copied into a temporary block for the call
 * and, if it is an output, copied back afterwards. Callers that reuse buffers every step should
 * allocate them with wasmAlloc, and then no copy happens at all.
 */
import { allocBytes, freeBytes } from './heap.js';
import { f32View, isResident, memoryViews } from './runtime.js';

export class Staging {
  private readonly temporaries: number[] = [];
  private readonly copyBack: { ptr: number; target: Float32Array; n: number }[] = [];

  /** Address of `a`'s first n elements, readable by kernels. */
  input(a: Float32Array, n: number): number {
    if (isResident(a)) return a.byteOffset;
    const ptr = this.temporary(n);
    f32View(ptr, n).set(a.subarray(0, n));
    return ptr;
  }

  /** Address kernels may write n elements to; they reach `a` by finish(). */
  output(a: Float32Array, n: number): number {
    if (isResident(a)) return a.byteOffset;
    const ptr = this.temporary(n);
    this.copyBack.push({ ptr, target: a, n });
    return ptr;
  }

  /** Both: read and written (accumulating outputs). */
  inout(a: Float32Array, n: number): number {
    if (isResident(a)) return a.byteOffset;
    const ptr = this.input(a, n);
    this.copyBack.push({ ptr, target: a, n });
    return ptr;
  }

  /** Copy outputs back and release the temporaries; call in a finally block. */
  finish(succeeded: boolean): void {
    if (succeeded) for (const { ptr, target, n } of this.copyBack) target.set(f32View(ptr, n));
    for (const ptr of this.temporaries) freeBytes(ptr);
    this.temporaries.length = 0;
    this.copyBack.length = 0;
  }

  private temporary(n: number): number {
    const ptr = allocBytes(n * 4);
    this.temporaries.push(ptr);
    return ptr;
  }
}

/** A block of 32-bit parameter slots the kernels read (see the @unmanaged classes in assembly/). */
let paramsPtr = 0;
const PARAM_SLOTS = 128;

/** Write values into slots 0, 1, … (as f32 where listed in floatSlots, else i32); returns the block's address. */
export function writeParams(values: readonly number[], floatSlots: readonly number[] = []): number {
  return writeParamSlots(0, values, floatSlots);
}

/** Write values into slots first, first + 1, …; returns the block's address. */
export function writeParamSlots(first: number, values: readonly number[], floatSlots: readonly number[] = []): number {
  if (paramsPtr === 0) paramsPtr = allocBytes(PARAM_SLOTS * 4);
  if (first + values.length > PARAM_SLOTS) throw new Error(`values: expected at most ${PARAM_SLOTS - first} parameters, got ${values.length}`);
  const { i32, f32 } = memoryViews();
  const base = (paramsPtr >> 2) + first;
  for (let i = 0; i < values.length; i++) {
    if (floatSlots.includes(i)) f32[base + i] = values[i];
    else i32[base + i] = values[i];
  }
  return paramsPtr;
}

/** Address of slot i of the parameter block (for arrays passed after the fixed slots). */
export function paramSlotAddress(i: number): number {
  return paramsPtr + i * 4;
}
