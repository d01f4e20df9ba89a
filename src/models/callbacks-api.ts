/** cn.callbacks: earlyStopping, modelCheckpoint (TensorFlow.js names) and their classes. */
export { earlyStopping, modelCheckpoint, EarlyStopping, ModelCheckpoint } from './callbacks.js';
export type { Callback, Logs, EarlyStoppingArgs, ModelCheckpointArgs } from './callbacks.js';
