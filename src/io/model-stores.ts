/**
 * Where model files go and come from, chosen by the target string as TensorFlow.js does:
 *   'indexeddb://name'   the browser's IndexedDB (database 'convnet-models')
 *   'downloads://name'   the browser saves name.json and name.weights.bin (save only)
 *   'http(s)://…/model.json' or, in a browser, any relative URL ending in .json   fetch (load only)
 *   anything else        a directory (or its model.json) on the file system (Node)
 * Every store holds the same thing: the model.json object and its weight files by name, so one
 * loader checks them all.
 */
import { platform } from '#platform';
import { describe } from '../tensor/shape-util.js';
import { fileAccess } from '../platform/files.js';
import type { ModelJson } from './model-format.js';
import { fetchBytes } from './fetch-bytes.js';

/** model.json and the weight files its manifest names. */
export interface ModelFiles {
  json: ModelJson;
  files: Map<string, Uint8Array>;
  /** Where it came from, for error messages. */
  source: string;
}

const INDEXEDDB = 'indexeddb://';
const DOWNLOADS = 'downloads://';
const DATABASE = 'convnet-models';
const STORE = 'models';

export type StoreKind = 'indexeddb' | 'downloads' | 'http' | 'files';

export function storeKind(target: string): StoreKind {
  if (target.startsWith(INDEXEDDB)) return 'indexeddb';
  if (target.startsWith(DOWNLOADS)) return 'downloads';
  if (/^https?:\/\//i.test(target)) return 'http';
  // In a browser a plain string can only be a URL (relative to the page).
  return platform.files ? 'files' : 'http';
}

function keyOf(target: string, scheme: string, what: string): string {
  const name = target.slice(scheme.length);
  if (name === '') throw new Error(`${what}: expected a model name after ${scheme}, got ${describe(target)}`);
  return name;
}

/** A weights path from a manifest must stay beside model.json. */
export function checkWeightsPath(file: unknown, group: number): asserts file is string {
  if (typeof file !== 'string' || file === '' || file.split(/[\\/]/).includes('..') || /^([a-z]+:|[\\/])/i.test(file)) {
    throw new Error(`weightsManifest: group ${group} has an unsafe path ${describe(file)}`);
  }
}

function manifestPaths(json: ModelJson): string[] {
  const out: string[] = [];
  (Array.isArray(json.weightsManifest) ? json.weightsManifest : []).forEach((group, gi) => {
    const paths = group && typeof group === 'object' && Array.isArray(group.paths) ? group.paths : [];
    for (const p of paths) { checkWeightsPath(p, gi); out.push(p); }
  });
  return out;
}

function parseJson(text: string, source: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`path: ${source} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`path: ${source} is not a model.json object`);
  return json as ModelJson;
}

// ---------- file system (Node) ----------

function modelJsonPath(pathOrDir: string): string {
  const fs = fileAccess('path', "in a browser use 'indexeddb://name' or a URL");
  const p = pathOrDir.replace(/^file:\/\//, '');
  return p.endsWith('.json') ? p : fs.join(p, 'model.json');
}

export function readModelFilesFromDisk(pathOrDir: string): ModelFiles {
  const fs = fileAccess('path', "in a browser use 'indexeddb://name' or a URL");
  const p = modelJsonPath(pathOrDir);
  let json: ModelJson;
  try {
    json = parseJson(new TextDecoder().decode(fs.readFileSync(p)), p);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith('path:') ? message : `path: cannot read the model file ${p}: ${message}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const file of manifestPaths(json)) {
    const full = fs.join(fs.dirname(p), file);
    try {
      files.set(file, fs.readFileSync(full));
    } catch (e) {
      throw new Error(`weightsManifest: cannot read weights file ${full}: ${(e as Error).message}`);
    }
  }
  return { json, files, source: p };
}

async function writeModelFilesToDisk(dir: string, model: { json: ModelJson; files: Map<string, Uint8Array> }): Promise<void> {
  const fs = fileAccess('dir', "in a browser use 'indexeddb://name' or 'downloads://name'");
  try {
    fs.mkdirs(dir);
    // Weights first: an interrupted save leaves the old model.json, whose byte counts then no longer
    // match, refused at load rather than silently mixed.
    for (const [name, bytes] of model.files) await fs.writeFileAtomic(fs.join(dir, name), bytes);
    await fs.writeFileAtomic(fs.join(dir, 'model.json'), new TextEncoder().encode(JSON.stringify(model.json, null, 1)));
  } catch (e) {
    const err = e as Error & { code?: string };
    throw Object.assign(new Error(`dir: cannot save the model to ${dir}: ${err.message}`, { cause: err }), { code: err.code });
  }
}

// ---------- fetch ----------

/** A URL relative to the page (or absolute), resolved the way fetch resolves it. */
function absoluteUrl(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return base ? new URL(url, base).href : new URL(url).href;
}

async function fetchModelFiles(url: string): Promise<ModelFiles> {
  const jsonUrl = absoluteUrl(url);
  const json = parseJson(new TextDecoder().decode(await fetchBytes(jsonUrl, 'path')), jsonUrl);
  const files = new Map<string, Uint8Array>();
  for (const file of manifestPaths(json)) files.set(file, await fetchBytes(new URL(file, jsonUrl).href, 'weightsManifest'));
  return { json, files, source: jsonUrl };
}

// ---------- IndexedDB (browsers) ----------

function openDatabase(what: string): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return Promise.reject(new Error(`${what}: 'indexeddb://' needs a browser's IndexedDB, which is not available here`));
  return new Promise((resolve, reject) => {
    const request = idb.open(DATABASE, 1);
    request.onupgradeneeded = () => { request.result.createObjectStore(STORE); };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`${what}: cannot open IndexedDB '${DATABASE}': ${request.error?.message}`));
  });
}

async function inStore<T>(what: string, mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDatabase(what);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = run(tx.objectStore(STORE));
      // Resolve on the transaction's completion: only then is a write durable.
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(new Error(`${what}: IndexedDB ${mode} failed: ${tx.error?.message ?? request.error?.message}`));
      tx.onabort = () => reject(new Error(`${what}: IndexedDB ${mode} aborted: ${tx.error?.message ?? 'unknown reason'}`));
    });
  } finally {
    db.close();
  }
}

interface StoredModel { json: string; files: [string, Uint8Array][] }

async function saveToIndexedDb(target: string, model: { json: ModelJson; files: Map<string, Uint8Array> }): Promise<void> {
  const key = keyOf(target, INDEXEDDB, 'dir');
  const record: StoredModel = { json: JSON.stringify(model.json), files: [...model.files] };
  // One put: the old model or the new one, never a mix.
  await inStore('dir', 'readwrite', (store) => store.put(record, key));
}

async function loadFromIndexedDb(target: string): Promise<ModelFiles> {
  const key = keyOf(target, INDEXEDDB, 'path');
  const record = await inStore<StoredModel | undefined>('path', 'readonly', (store) => store.get(key));
  if (!record) throw new Error(`path: no model named '${key}' in IndexedDB`);
  return { json: parseJson(record.json, target), files: new Map(record.files), source: target };
}

/** Names of the models saved in IndexedDB. */
export async function listIndexedDbModels(): Promise<string[]> {
  const keys = await inStore('listModels', 'readonly', (store) => store.getAllKeys());
  return keys.map(String);
}

// ---------- downloads (browsers) ----------

function download(name: string, bytes: Uint8Array, type: string): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) throw new Error(`dir: 'downloads://' needs a page (a document), which is not available here`);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The browser has started the download once click() returns; the URL can go after a moment.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function saveToDownloads(target: string, model: { json: ModelJson; files: Map<string, Uint8Array> }): void {
  const name = keyOf(target, DOWNLOADS, 'dir');
  // Downloaded files are named name.json and name.<weights file>; the manifest must point at those.
  const renamed = new Map([...model.files].map(([file, bytes]) => [`${name}.${file}`, bytes]));
  const json: ModelJson = {
    ...model.json,
    weightsManifest: model.json.weightsManifest.map((g) => ({ ...g, paths: g.paths.map((p) => `${name}.${p}`) })),
  };
  for (const [file, bytes] of renamed) download(file, bytes, 'application/octet-stream');
  download(`${name}.json`, new TextEncoder().encode(JSON.stringify(json)), 'application/json');
}

// ---------- dispatch ----------

export async function writeModelFiles(target: string, model: { json: ModelJson; files: Map<string, Uint8Array> }): Promise<void> {
  switch (storeKind(target)) {
    case 'indexeddb': return saveToIndexedDb(target, model);
    case 'downloads': return saveToDownloads(target, model);
    case 'http': throw new Error(`dir: saving to a URL is not supported (${target}); save to 'indexeddb://name', 'downloads://name' or a directory`);
    case 'files': return writeModelFilesToDisk(target, model);
  }
}

export async function readModelFiles(source: string): Promise<ModelFiles> {
  switch (storeKind(source)) {
    case 'indexeddb': return loadFromIndexedDb(source);
    case 'downloads': throw new Error(`path: 'downloads://' is for saving; load the downloaded files by URL or from disk`);
    case 'http': return fetchModelFiles(source);
    case 'files': return readModelFilesFromDisk(source);
  }
}
