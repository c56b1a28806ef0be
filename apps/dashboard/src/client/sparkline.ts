import { fmt } from './format.ts';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A post's count curve (Rising now): engagement at each observation, x by time, as a small
 * inline SVG line; the title says the numbers. Null with fewer than two observations.
 */
export function sparkline(points: readonly { t: number; e: number }[], width = 96, height = 22): SVGSVGElement | null {
  if (points.length < 2) return null;
  const t0 = points[0]!.t;
  const t1 = points.at(-1)!.t;
  const lo = Math.min(...points.map((p) => p.e));
  const hi = Math.max(...points.map((p) => p.e));
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (width - 2)) + 1;
  const y = (e: number) => (hi === lo ? height / 2 : height - 1 - ((e - lo) / (hi - lo)) * (height - 2));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const label = `engagement over ${points.length} observations: ${points.map((p) => fmt(p.e)).join(' → ')}`;
  svg.setAttribute('aria-label', label);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.map((p) => `${x(p.t).toFixed(1)},${y(p.e).toFixed(1)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '1.5');
  svg.append(title, line);
  return svg;
}
