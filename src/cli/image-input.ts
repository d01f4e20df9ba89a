/**
 * Reading a user's picture for `convnet predict`: PNG (our decoder) or JPEG (jpeg-js, pure JavaScript),
 * told apart by their first bytes, turned into 0..255 gray levels. Transparent pixels are composited
 * over white, as an image viewer shows them.
 */
import * as fs from 'node:fs';
import jpeg from 'jpeg-js';
import { decodePng } from '../io/png.js';

export interface GrayImage { width: number; height: number; /** 0 black … 255 white, row-major. */ gray: Float64Array }

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** ITU-R BT.601 luma, what PIL's convert('L') uses. */
const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

export function readGrayImage(file: string): GrayImage {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`IMAGE: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not an image:' : 'cannot read'} ${file}`);
  }
  if (isPng(bytes)) {
    const img = decodePng(bytes, file);
    const { width, height, channels, data } = img;
    const gray = new Float64Array(width * height);
    for (let i = 0; i < gray.length; i++) {
      const p = i * channels;
      const v = channels === 1 ? data[p] : luma(data[p], data[p + 1], data[p + 2]);
      const alpha = channels === 4 ? data[p + 3] / 255 : 1;
      gray[i] = v * alpha + 255 * (1 - alpha);
    }
    return { width, height, gray };
  }
  if (isJpeg(bytes)) {
    let img;
    try {
      img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 100 });
    } catch (e) {
      throw new Error(`${file}: cannot decode the JPEG: ${(e as Error).message}`);
    }
    const gray = new Float64Array(img.width * img.height);
    for (let i = 0; i < gray.length; i++) gray[i] = luma(img.data[4 * i], img.data[4 * i + 1], img.data[4 * i + 2]);
    return { width: img.width, height: img.height, gray };
  }
  throw new Error(`IMAGE: ${file} is neither a PNG nor a JPEG file`);
}
