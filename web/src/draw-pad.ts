/**
 * A canvas to draw a digit on with a mouse, a pen or a finger (Pointer Events cover all three).
 * White ink on black, like MNIST; the stroke is thick because the drawing is shrunk ~10× to 20×20 pixels.
 */

export class DrawPad {
  private drawing = false;
  /** Set while the pad shows an image put there by showImage: the next stroke starts on a clean pad. */
  private showingImage = false;
  private last: [number, number] | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  /** `onChange(final)`: called while drawing (final = false, at most every ~80 ms) and when a stroke ends. */
  constructor(private readonly canvas: HTMLCanvasElement, private readonly onChange: (final: boolean) => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.style.touchAction = 'none'; // a finger draws instead of scrolling the page
    canvas.addEventListener('pointerdown', (e) => this.start(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel', 'pointerleave'] as const) canvas.addEventListener(type, () => this.end());
  }

  clear(): void {
    this.showingImage = false;
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Shows a 28×28 image (values in [0, 1]) enlarged on the pad, as if it had been drawn. */
  showImage(pixels: Float32Array): void {
    const small = document.createElement('canvas');
    small.width = small.height = 28;
    const sctx = small.getContext('2d')!;
    const img = sctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(255 * pixels[i]);
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    sctx.putImageData(img, 0, 0);
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    this.ctx.imageSmoothingEnabled = true;
    this.showingImage = true;
  }

  /** The drawing as ink in [0, 1], (height, width) row-major. */
  ink(): Float32Array {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const out = new Float32Array(width * height);
    for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i] / 255;
    return out;
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  private start(e: PointerEvent): void {
    e.preventDefault();
    if (this.showingImage) { this.clear(); this.showingImage = false; }
    this.canvas.setPointerCapture?.(e.pointerId);
    this.drawing = true;
    this.last = this.point(e);
    this.segment(this.last, this.last);
  }

  private lastNotify = 0;

  private move(e: PointerEvent): void {
    if (!this.drawing || this.last === null) return;
    const p = this.point(e);
    this.segment(this.last, p);
    this.last = p;
    const now = performance.now();
    if (now - this.lastNotify > 80) { this.lastNotify = now; this.onChange(false); }
  }

  private end(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.last = null;
    this.onChange(true);
  }

  private segment(a: [number, number], b: [number, number]): void {
    const ctx = this.ctx;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.canvas.width / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }
}
