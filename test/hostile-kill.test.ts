/**
 * Kill -9 during a checkpoint write (issue 7): a child writes checkpoints in a loop and is SIGKILLed after a
 * seeded random delay, many times; after every kill the checkpoint on disk must load, whole: every weight
 * from one write, either the last one the child reported complete or the one it was in the middle of.
 * Both writers: model.save(dir) (each file replaced atomically) and the `convnet train` checkpoint writer
 * (a fresh directory, then checkpoint.json switched atomically).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cn from '../src/index.js';
import { readCheckpoint } from '../src/cli/checkpoint.js';
import { rng } from './test-random.js';

const CHILD = fileURLToPath(new URL('./hostile-kill-child.js', import.meta.url));
const KILLS_PER_WRITER = 12; // 24 kills in all: ~7 s on an idle 2-core box, ~17 s on a loaded one
/**
 * Kill at most this long after the child's first complete write: about two and a half writes here (a model.save
 * took ~16 ms, a CLI checkpoint with optimizer state and fsyncs ~54 ms), so kills land all over a write.
 */
const MAX_DELAY_MS = { save: 40, cli: 130 };

interface KillRun { lastSaved: number; completedWrites: number }

/** Starts the child at value `first`, waits for its first complete write, then kills it `delayMs` later. */
function runAndKill(mode: string, dir: string, first: number, delayMs: number): Promise<KillRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode, dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (timer === undefined && out.includes('saved ')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child ended with code ${code} before the kill:\n${err}`));
      const saved = [...out.matchAll(/saved (\d+)\n/g)].map((m) => Number(m[1]));
      resolve({ lastSaved: saved[saved.length - 1], completedWrites: saved.length });
    });
  });
}

/** Every weight of a loaded model holds the same value; returns it. */
function uniformValue(model: cn.LayersModel, label: string): number {
  const weights = model.getWeights();
  const v = weights[0].data[0];
  for (const w of weights) assert.ok(w.data.every((x) => x === v), `${label}: weights mix two checkpoints`);
  return v;
}

async function killRepeatedly(mode: 'save' | 'cli', seed: number): Promise<{ kills: number; midWrite: number; writes: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hostile-kill-${mode}-`));
  const random = rng(seed);
  let loaded = 0, midWrite = 0, writes = 0;
  try {
    for (let kill = 1; kill <= KILLS_PER_WRITER; kill++) {
      const { lastSaved, completedWrites } = await runAndKill(mode, dir, loaded + 1, random.int(0, MAX_DELAY_MS[mode]));
      writes += completedWrites;
      const label = `${mode}, kill ${kill} (last complete write ${lastSaved})`;
      let value: number;
      if (mode === 'save') {
        value = uniformValue(await cn.loadLayersModel(dir), label);
      } else {
        const { model, file } = await readCheckpoint(dir);
        value = uniformValue(model, label);
        assert.equal(file.state.epoch, value, `${label}: state.json and weights come from different writes`);
      }
      // The write in progress may have completed its last rename just before the kill: then it is the newer one.
      assert.ok(value === lastSaved || value === lastSaved + 1, `${label}: loaded checkpoint ${value}`);
      if (value === lastSaved + 1) midWrite++;
      loaded = value;
    }
    return { kills: KILLS_PER_WRITER, midWrite, writes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('SIGKILL at random points during checkpoint writes: the checkpoint on disk always loads, whole', async (t) => {
  const started = performance.now();
  const [save, cli] = await Promise.all([killRepeatedly('save', 20240607), killRepeatedly('cli', 777)]);
  // midWrite: kills after which the write in progress had already landed (its last rename done, its line unread)
  t.diagnostic(`model.save: ${save.kills} kills over ${save.writes} complete writes (${save.midWrite} newer than reported); ` +
    `cli checkpoints: ${cli.kills} kills over ${cli.writes} (${cli.midWrite} newer); ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`);
});
