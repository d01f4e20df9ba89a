/**
 * report.html: one self-contained page (styles inline, images as data: URIs, charts as inline SVG;
 * no script and nothing fetched from the network), readable top to bottom: result, curves, filters,
 * feature maps, confusion matrix, mistakes, then the model and the run's settings and timings.
 */
import type { ClassStats, Mistake } from '../analysis.js';
import type { Picture } from './pictures.js';
import { pngDataUri } from './images.js';
import { escapeXml as esc } from './svg-chart.js';

export interface ReportContent {
  title: string;
  test: { loss: number; accuracy: number; count: number };
  charts: { title: string; svg: string }[];
  filters: Picture[];
  featureMaps: { pictures: Picture[]; labels: number[] };
  confusion: { matrix: number[][]; stats: ClassStats[]; picture: Picture };
  mistakes: { items: { mistake: Mistake; uri: string }[]; picture: Picture | null };
  summary: string[];
  settings: [string, string][];
  timings: [string, string][];
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
.result { font-size: 1.3em; } .muted { color: #666; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0.6em 0 1em; } figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
img.pixels { image-rendering: pixelated; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { padding: 0.25em 0.6em; text-align: right; border: 1px solid #e2e2e2; }
th { background: #f4f4f4; } td.key { text-align: left; font-weight: 600; }
table.cm td { min-width: 2.6em; }
.mistakes { display: grid; grid-template-columns: repeat(5, 120px); gap: 0.8em; }
.mistake { text-align: center; font-size: 0.85em; } .mistake img { display: block; margin: 0 auto 0.2em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; }
`;

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '–');

function figure(p: Picture): string {
  return `<figure><img class="pixels" src="${pngDataUri(p.image)}" width="${p.image.width}" height="${p.image.height}" alt="${esc(p.title)}">` +
    `<figcaption><b>${esc(p.title)}</b>. ${esc(p.caption)} <span class="muted">(${esc(p.file)})</span></figcaption></figure>`;
}

function confusionTable(cm: number[][]): string {
  const head = `<tr><th>true \\ predicted</th>${cm.map((_, c) => `<th>${c}</th>`).join('')}</tr>`;
  const rows = cm.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const cells = row.map((v, p) => {
      const share = v / total;
      const colour = t === p ? `rgba(44,160,44,${(0.15 + 0.6 * share).toFixed(2)})` : v > 0 ? `rgba(214,39,40,${Math.min(0.75, 0.1 + 3 * share).toFixed(2)})` : 'transparent';
      return `<td style="background:${colour}">${v}</td>`;
    }).join('');
    return `<tr><th>${t}</th>${cells}</tr>`;
  });
  return `<table class="cm">${head}${rows.join('')}</table>`;
}

function statsTable(stats: ClassStats[]): string {
  const rows = stats.map((s) => `<tr><th>${s.label}</th><td>${pct(s.precision)}</td><td>${pct(s.recall)}</td><td>${s.support}</td></tr>`);
  return `<table><tr><th>class</th><th>precision</th><th>recall</th><th>test images</th></tr>${rows.join('')}</table>`;
}

function keyValues(rows: [string, string][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><td class="key">${esc(k)}</td><td style="text-align:left">${esc(v)}</td></tr>`).join('')}</table>`;
}

export function reportHtml(c: ReportContent): string {
  const mistakes = c.mistakes.items.length === 0
    ? '<p>No mistakes on the test images.</p>'
    : `<div class="mistakes">${c.mistakes.items.map(({ mistake: m, uri }) =>
      `<div class="mistake"><img class="pixels" src="${uri}" width="84" height="84" alt="test image ${m.index}">` +
      `true <b>${m.label}</b> → predicted <b>${m.predicted}</b><br>p = ${m.probability.toFixed(3)} (true: ${m.trueProbability.toFixed(3)})<br><span class="muted">#${m.index}</span></div>`).join('')}</div>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(c.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(c.title)}</h1>
<p class="result">Test accuracy <b id="test-accuracy">${pct(c.test.accuracy)}</b>, test loss ${c.test.loss.toFixed(4)} <span class="muted">on ${c.test.count} test images</span></p>

<h2>Learning curves</h2>
<div class="charts">${c.charts.map((ch) => `<figure class="chart">${ch.svg}</figure>`).join('\n')}</div>

<h2>What the filters look like</h2>
${c.filters.map(figure).join('\n') || '<p>The model has no convolution layers.</p>'}

<h2>What each layer makes of a digit</h2>
<p>Test digits of classes ${c.featureMaps.labels.join(', ')}, passed through the network layer by layer.</p>
${c.featureMaps.pictures.map(figure).join('\n')}

<h2>Confusion matrix</h2>
${confusionTable(c.confusion.matrix)}
${figure(c.confusion.picture)}
<h3>Per class</h3>
${statsTable(c.confusion.stats)}

<h2>The ${c.mistakes.items.length} most confident mistakes</h2>
${mistakes}

<h2>The model</h2>
<pre>${esc(c.summary.join('\n'))}</pre>

<h2>Settings</h2>
${keyValues(c.settings)}

<h2>Timings</h2>
${keyValues(c.timings)}
</body>
</html>
`;
}
