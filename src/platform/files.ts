/** File access for the functions that take a path, with a clear Error where there is no file system. */
import { platform } from '#platform';
import type { FileAccess } from './types.js';

/** `what` names the caller, e.g. 'loadNpy'; `instead` says what to use in a browser. */
export function fileAccess(what: string, instead: string): FileAccess {
  if (platform.files) return platform.files;
  throw new Error(`${what}: reading or writing files needs Node (there is no file system here); ${instead}`);
}
