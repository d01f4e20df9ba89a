/**
 * Spec task 5: LeNet-5 (modified) with the Keras-style layers API:
 *   conv 6@5×5 same relu → max pool 2×2/2 → conv 16@5×5 valid relu → max pool 2×2/2 → flatten
 *   → dense 120 relu → dense 84 relu → dense 10 softmax; every kernel he_normal.
 * `lenet5(X)` returns a model compiled with Adam (default hyperparameters), categorical cross-entropy and
 * accuracy. It lives in src/models/zoo.ts so the library and the `convnet` command build the same network.
 */
export { lenet5 } from '../src/models/zoo.js';
