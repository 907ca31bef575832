// Minimal SVG line charts (no dependency): small multiples, linear or log axes. Used for the latency
// distributions and the memory-over-time plots written next to the JSON results.
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
}

const WIDTH = 420;
const HEIGHT = 260;
const MARGIN = { left: 60, right: 12, top: 28, bottom: 40 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function axis(values: number[], log: boolean): { min: number; max: number; ticks: number[] } {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let min = finite.length === 0 ? 0 : Math.min(...finite);
  let max = finite.length === 0 ? 1 : Math.max(...finite);
  if (log) {
    min = 10 ** Math.floor(Math.log10(min));
    max = 10 ** Math.ceil(Math.log10(max));
    const ticks: number[] = [];
    for (let t = min; t <= max * 1.0001; t *= 10) ticks.push(t);
    return { min, max, ticks };
  }
  if (max === min) max = min + 1;
  min = Math.min(0, min);
  const step = 10 ** Math.floor(Math.log10((max - min) / 4));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (max - min) / s <= 6) ?? step * 10;
  max = Math.ceil(max / nice) * nice;
  const ticks: number[] = [];
  for (let t = min; t <= max + nice / 2; t += nice) ticks.push(t);
  return { min, max, ticks };
}

function label(value: number): string {
  if (value >= 1e6) return `${value / 1e6}M`;
  if (value >= 1e3) return `${value / 1e3}k`;
  return String(Math.round(value * 1000) / 1000);
}

function panelSvg(panel: Panel, ox: number, oy: number): string {
  const xs = axis(panel.series.flatMap((s) => s.points.map((p) => p[0])), panel.xLog === true);
  const ys = axis(panel.series.flatMap((s) => s.points.map((p) => p[1])), panel.yLog === true);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const scale = (v: number, a: { min: number; max: number }, log: boolean, size: number) => (log
    ? (Math.log10(v) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min)) * size;
  const px = (v: number) => ox + MARGIN.left + scale(v, xs, panel.xLog === true, plotW);
  const py = (v: number) => oy + MARGIN.top + plotH - scale(v, ys, panel.yLog === true, plotH);
  const parts: string[] = [`<text x="${ox + WIDTH / 2}" y="${oy + 16}" text-anchor="middle" font-size="13">${escape(panel.title)}</text>`,
    `<rect x="${ox + MARGIN.left}" y="${oy + MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`];
  for (const t of xs.ticks) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${oy + MARGIN.top}" y2="${oy + MARGIN.top + plotH}" stroke="#eee"/>`,
      `<text x="${px(t)}" y="${oy + MARGIN.top + plotH + 14}" text-anchor="middle" font-size="10">${label(t)}</text>`);
  }
  for (const t of ys.ticks) {
    parts.push(`<line x1="${ox + MARGIN.left}" x2="${ox + MARGIN.left + plotW}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`,
      `<text x="${ox + MARGIN.left - 4}" y="${py(t) + 3}" text-anchor="end" font-size="10">${label(t)}</text>`);
  }
  parts.push(`<text x="${ox + MARGIN.left + plotW / 2}" y="${oy + HEIGHT - 6}" text-anchor="middle" font-size="11">${escape(panel.xLabel)}</text>`,
    `<text x="${ox + 12}" y="${oy + MARGIN.top + plotH / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 ${ox + 12} ${oy + MARGIN.top + plotH / 2})">${escape(panel.yLabel)}</text>`);
  panel.series.forEach((series, index) => {
    const points = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)
      && (panel.xLog !== true || x > 0) && (panel.yLog !== true || y > 0));
    if (points.length > 0) {
      parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="1.6" points="${points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    }
    const ly = oy + MARGIN.top + 12 + index * 13;
    parts.push(`<line x1="${ox + WIDTH - 120}" x2="${ox + WIDTH - 104}" y1="${ly - 4}" y2="${ly - 4}" stroke="${series.color}" stroke-width="2"/>`,
      `<text x="${ox + WIDTH - 100}" y="${ly}" font-size="10">${escape(series.name)}</text>`);
  });
  return parts.join('\n');
}

export function chartSvg(title: string, subtitle: string, panels: readonly Panel[], columns = 2): string {
  const cols = Math.min(columns, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const width = cols * WIDTH;
  const height = rows * HEIGHT + 44;
  const body = panels.map((panel, i) => panelSvg(panel, (i % cols) * WIDTH, 44 + Math.floor(i / cols) * HEIGHT));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="18" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>
<text x="${width / 2}" y="35" text-anchor="middle" font-size="11">${escape(subtitle)}</text>
${body.join('\n')}
</svg>
`;
}
