/** Option parsing shared by the layers: sizes as a number or a pair, and Keras' initializer configs. */
import { describe, sizePairArg } from '../tensor/shape-util.js';
import type { Initializer } from '../graph/variable.js';
import type { Padding } from '../kernels/shape.js';
import { getInitializer } from '../train/initializers.js';

export function pairArg(arg: string, v: unknown): [number, number] {
  return sizePairArg(v, arg);
}

export function paddingArg(v: unknown): Padding {
  const p = v ?? 'valid';
  if (p !== 'same' && p !== 'valid') throw new Error(`padding: expected 'same' or 'valid', got ${describe(v)}`);
  return p;
}

/** Keras/TensorFlow.js serialisation of an initializer: {class_name, config}. */
export function initializerConfig(init: string | Initializer): { class_name: string; config: Record<string, unknown> } {
  if (typeof init === 'function') {
    // initializers read from model files carry their Keras config, so they save back as they were
    const carried = (init as { kerasConfig?: { class_name: string; config: Record<string, unknown> } }).kerasConfig;
    return carried ?? { class_name: 'Custom', config: {} };
  }
  const classNames: Record<string, string> = {
    heNormal: 'HeNormal', he_normal: 'HeNormal', glorotUniform: 'GlorotUniform', glorot_uniform: 'GlorotUniform',
    zeros: 'Zeros', ones: 'Ones',
  };
  const className = classNames[init] ?? init;
  return { class_name: className, config: className === 'Zeros' || className === 'Ones' ? {} : { seed: null } };
}

export interface WeightArgs {
  useBias?: boolean;
  kernelInitializer?: string | Initializer;
  biasInitializer?: string | Initializer;
}

/**
 * The kernel/bias options that Conv2D and Dense share, with Keras' defaults (glorotUniform kernel, zero bias).
 * Initializer names are resolved now, so a typo fails when the layer is made, not when it is first applied.
 */
export function weightArgs(args: WeightArgs): { useBias: boolean; kernelInit: string | Initializer; biasInit: string | Initializer } {
  const useBias = args.useBias ?? true;
  if (typeof useBias !== 'boolean') throw new Error(`useBias: expected true or false, got ${describe(args.useBias)}`);
  const kernelInit = args.kernelInitializer ?? 'glorotUniform';
  const biasInit = args.biasInitializer ?? 'zeros';
  getInitializer('kernelInitializer', kernelInit);
  getInitializer('biasInitializer', biasInit);
  return { useBias, kernelInit, biasInit };
}
