/** Drawing tensors as pictures: conv filters, feature maps, dense activations and class probabilities. */
import type { LayerActivation, Mistake } from './protocol.js';

type Rgb = [number, number, number];

/** Blue (negative) – white (0) – red (positive), for weights, whose sign matters. */
export function diverging(t: number): Rgb {
  const a = Math.min(1, Math.abs(t));
  return t >= 0 ? [255, Math.round(255 * (1 - a)), Math.round(255 * (1 - a))] : [Math.round(255 * (1 - a)), Math.round(255 * (1 - a)), 255];
}

/** Black → yellow-white, for activations (ReLU outputs are ≥ 0). */
export function heat(t: number): Rgb {
  const a = Math.min(1, Math.max(0, t));
  return [Math.round(255 * Math.min(1, a * 1.6)), Math.round(255 * Math.max(0, a * 1.6 - 0.4)), Math.round(255 * Math.max(0, a * 2 - 1))];
}

/** A (h, w) picture at its own resolution, enlarged by CSS with crisp pixels. */
export function pixelCanvas(values: (x: number, y: number) => number, w: number, h: number, color: (t: number) => Rgb, cssScale: number | [number, number], title = ''): HTMLCanvasElement {
  const [sx, sy] = typeof cssScale === 'number' ? [cssScale, cssScale] : cssScale;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.className = 'pixels';
  canvas.style.width = `${w * sx}px`;
  canvas.style.height = `${h * sy}px`;
  if (title) canvas.title = title;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = color(values(x, y));
      const o = 4 * (y * w + x);
      img.data[o] = r; img.data[o + 1] = g; img.data[o + 2] = b; img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** The first conv layer's kernel (kh, kw, 1, filters): one enlarged picture per filter, one shared scale. */
export function drawFilters(container: HTMLElement, shape: number[], data: Float32Array): void {
  const [kh, kw, cin, cout] = shape;
  let maxAbs = 1e-8;
  for (const v of data) maxAbs = Math.max(maxAbs, Math.abs(v));
  container.replaceChildren();
  for (let f = 0; f < cout; f++) {
    // NHWC kernel index: ((y * kw + x) * cin + c) * cout + f, input channel 0 (grey images)
    const at = (x: number, y: number) => data[((y * kw + x) * cin) * cout + f] / maxAbs;
    container.append(pixelCanvas(at, kw, kh, diverging, 14, `filter ${f + 1}`));
  }
}

/** A 28×28 input image, enlarged. */
export function drawInput(container: HTMLElement, pixels: Float32Array): void {
  container.replaceChildren(pixelCanvas((x, y) => pixels[y * 28 + x], 28, 28, (t) => [255 * t, 255 * t, 255 * t], 4, 'what the network sees (28×28)'));
}

/** One row per layer: every channel of a (h, w, c) output as a small picture; dense outputs as a strip. */
export function drawFeatureMaps(container: HTMLElement, layers: LayerActivation[]): void {
  container.replaceChildren();
  for (const layer of layers) {
    if (layer.className === 'Flatten') continue; // the same numbers as the pooling output, in a line
    const row = document.createElement('div');
    row.className = 'layer-row';
    const label = document.createElement('div');
    label.className = 'layer-label';
    label.textContent = `${layer.name} ${layer.className} → (${layer.shape.join(', ')})`;
    const maps = document.createElement('div');
    maps.className = 'maps';
    let max = 1e-8;
    for (const v of layer.data) max = Math.max(max, Math.abs(v));
    if (layer.shape.length === 3) {
      const [h, w, c] = layer.shape;
      const scale = Math.max(2, Math.round(56 / w));
      for (let k = 0; k < c; k++) {
        maps.append(pixelCanvas((x, y) => layer.data[(y * w + x) * c + k] / max, w, h, heat, scale, `${layer.name} channel ${k + 1}`));
      }
    } else {
      const n = layer.shape[0];
      maps.append(pixelCanvas((x) => layer.data[x] / max, n, 1, heat, [n > 100 ? 5 : 8, 18], `${layer.name}: ${n} units`));
    }
    row.append(label, maps);
    container.append(row);
  }
}

/** Ten bars, the most probable class highlighted. */
export function drawProbabilities(container: HTMLElement, probs: Float32Array): void {
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  container.replaceChildren();
  for (let k = 0; k < probs.length; k++) {
    const row = document.createElement('div');
    row.className = k === best ? 'prob best' : 'prob';
    row.dataset.digit = String(k);
    row.dataset.p = probs[k].toFixed(6);
    const pct = (100 * probs[k]).toFixed(1);
    row.innerHTML = `<span class="digit">${k}</span><span class="bar"><span style="width:${pct}%"></span></span><span class="pct">${pct}%</span>`;
    container.append(row);
  }
}

/** Misclassified test images, each captioned "label → prediction". */
export function drawMistakes(container: HTMLElement, mistakes: Mistake[]): void {
  container.replaceChildren(...mistakes.map((m) => {
    const figure = document.createElement('figure');
    figure.className = 'mistake';
    figure.title = `test image #${m.index}: labelled ${m.label}, predicted ${m.predicted} with p = ${m.confidence.toFixed(2)}`;
    const caption = document.createElement('figcaption');
    caption.textContent = `${m.label} → ${m.predicted}`;
    figure.append(pixelCanvas((x, y) => m.pixels[y * 28 + x], 28, 28, (t) => [255 * t, 255 * t, 255 * t], 2), caption);
    return figure;
  }));
}
