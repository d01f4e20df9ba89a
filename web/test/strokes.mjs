/** Digits drawn with the mouse, as polylines in fractions of the drawing canvas (0..1, y down). */
export const digitStrokes = {
  one: [[0.52, 0.18], [0.5, 0.82]],
  seven: [[0.3, 0.22], [0.72, 0.22], [0.46, 0.84]],
};

/** Presses the mouse at the first point and drags through the others in small moves, like a hand would. */
export async function drawStroke(page, box, points) {
  const at = ([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height];
  const [x0, y0] = at(points[0]);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const [x, y] = at(p);
    await page.mouse.move(x, y, { steps: 12 });
  }
  await page.mouse.up();
}
