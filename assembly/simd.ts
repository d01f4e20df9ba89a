// Small SIMD helpers shared by the kernels. The module is compiled twice (see scripts/build-wasm.mjs):
// with relaxed SIMD the multiply-add is one fused instruction, otherwise a mul and an add.

/** acc + a * b, lane-wise on f32x4. */
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** The i-th 32-bit slot of a parameter block written by the JavaScript side. */
@inline export function argI(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline export function argF(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

@inline export function argP(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}

/** Zero n floats at ptr. */
export function zeroF32(ptr: usize, n: i32): void {
  memory.fill(ptr, 0, <usize>n << 2);
}
