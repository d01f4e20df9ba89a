/** A small line chart on a canvas: x = training step, one or more named series, a legend and axis labels. */

export interface Series { label: string; color: string; points: [number, number][] }

export interface ChartOptions {
  /** Fixed y range, or null to fit the data (from 0). */
  yRange: [number, number] | null;
  yFormat: (v: number) => string;
}

export class LineChart {
  private readonly series: Series[] = [];
  private pending = false;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly options: ChartOptions) {}

  addSeries(label: string, color: string): Series {
    const s: Series = { label, color, points: [] };
    this.series.push(s);
    return s;
  }

  add(s: Series, x: number, y: number): void {
    s.points.push([x, y]);
    this.requestDraw();
  }

  clear(): void {
    for (const s of this.series) s.points.length = 0;
    this.requestDraw();
  }

  /** Draws at most once per animation frame, however many points arrive. */
  requestDraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  draw(): void {
    const { canvas } = this;
    const ctx = canvas.getContext('2d')!;
    const W = canvas.width, H = canvas.height;
    const pad = { left: 44, right: 10, top: 22, bottom: 22 };
    ctx.clearRect(0, 0, W, H);
    const all = this.series.flatMap((s) => s.points);
    const xMax = Math.max(1, ...all.map((p) => p[0]));
    let [yMin, yMax] = this.options.yRange ?? [0, Math.max(1e-6, ...all.map((p) => p[1]))];
    if (this.options.yRange === null) yMax *= 1.05;
    if (yMax <= yMin) yMax = yMin + 1;
    const px = (x: number) => pad.left + (x / xMax) * (W - pad.left - pad.right);
    const py = (y: number) => H - pad.bottom - ((y - yMin) / (yMax - yMin)) * (H - pad.top - pad.bottom);

    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#ddd';
    ctx.fillStyle = '#666';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = yMin + ((yMax - yMin) * i) / 4;
      const y = Math.round(py(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(pad.left, y); ctx.lineTo(W - pad.right, y); ctx.stroke();
      ctx.textAlign = 'right';
      ctx.fillText(this.options.yFormat(v), pad.left - 4, y + 4);
    }
    ctx.textAlign = 'center';
    ctx.fillText(`step ${Math.round(xMax)}`, W - pad.right - 30, H - 6);
    ctx.fillText('0', pad.left, H - 6);

    let legendX = pad.left;
    for (const s of this.series) {
      ctx.fillStyle = s.color;
      ctx.fillRect(legendX, 7, 10, 10);
      ctx.fillStyle = '#333';
      ctx.textAlign = 'left';
      ctx.fillText(s.label, legendX + 14, 16);
      legendX += 24 + ctx.measureText(s.label).width;
      if (s.points.length === 0) continue;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
      ctx.stroke();
    }
  }
}
