/** Loading the MODEL argument of predict / evaluate / inspect, with one clear error when it is not there. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayersModel } from '../models/model.js';
import { loadLayersModel } from '../io/model-load.js';

/** MODEL is a run directory (holding model.json) or a model.json path. */
export async function loadModelArg(p: string): Promise<LayersModel> {
  const file = p.endsWith('.json') ? p : path.join(p, 'model.json');
  if (!fs.existsSync(p)) throw new Error(`MODEL: no such file or directory ${p}`);
  if (!fs.existsSync(file)) throw new Error(`MODEL: ${p} holds no model.json (give a directory written by convnet train, or a model.json)`);
  return loadLayersModel(file);
}
