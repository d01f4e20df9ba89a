/** Digits drawn with the mouse, as polylines in fractions of the drawing canvas (0..1, y down). */
export const digitStrokes = {
  one: [[0.52, 0.18], [0.5, 0.82]],
  seven: [[0.3, 0.22], [0.72, 0.22], [0.46, 0.84]],
};

const MOVES_PER_SEGMENT = 12;

/** Presses the mouse at the first point and drags through the others in small moves, like a hand would. */
export async function drawStroke(page, box, points) {
  const at = ([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height];
  const [x0, y0] = at(points[0]);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const [x, y] = at(p);
    await page.mouse.move(x, y, { steps: MOVES_PER_SEGMENT });
  }
  await page.mouse.up();
}

/**
 * The same stroke with a finger: raw touch events through the DevTools protocol (`cdp`, a CDPSession of the page
 * with touch emulation on), through the same points the mouse version visits (Playwright's steps interpolate
 * linearly), so the drawing comes out the same.
 */
export async function touchStroke(cdp, box, points) {
  const at = ([fx, fy]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  let prev = at(points[0]);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [prev] });
  for (const p of points.slice(1)) {
    const to = at(p);
    for (let i = 1; i <= MOVES_PER_SEGMENT; i++) {
      const f = i / MOVES_PER_SEGMENT;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: prev.x + (to.x - prev.x) * f, y: prev.y + (to.y - prev.y) * f }] });
    }
    prev = to;
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}
