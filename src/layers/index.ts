/** cn.layers: factory functions in TensorFlow.js style, and the layer classes. */
import { Conv2D, Conv2DArgs } from './conv2d.js';
import { Dense, DenseArgs } from './dense.js';
import { AveragePooling2D, MaxPooling2D, Pooling2DArgs } from './pooling.js';
import { Flatten } from './flatten.js';
import type { LayerArgs } from './layer.js';

export { Layer } from './layer.js';
export type { LayerArgs, LayerInput } from './layer.js';
export { Conv2D, Dense, MaxPooling2D, AveragePooling2D, Flatten };
export type { Conv2DArgs, DenseArgs, Pooling2DArgs };

export const conv2d = (args: Conv2DArgs): Conv2D => new Conv2D(args);
export const dense = (args: DenseArgs): Dense => new Dense(args);
export const maxPooling2d = (args: Pooling2DArgs = {}): MaxPooling2D => new MaxPooling2D(args);
export const averagePooling2d = (args: Pooling2DArgs = {}): AveragePooling2D => new AveragePooling2D(args);
export const flatten = (args: LayerArgs = {}): Flatten => new Flatten(args);
