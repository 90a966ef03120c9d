/**
 * A hand-written SVG of a simulation's days: daily cost against the no-sharing baseline (bars) and daily empty
 * km against the baseline's (lines). Every series element carries `data-series` so tools and tests can find it.
 */

export interface ChartDay {
  day: string;
  costKrw: number;
  baselineCostKrw: number;
  deadheadKm: number;
  baselineDeadheadKm: number;
}

const WIDTH = 900;
const PANEL_HEIGHT = 260;
const MARGIN = { left: 80, right: 180, top: 50, bottom: 50 };
const COLOURS = { cost: '#1f77b4', baselineCost: '#c7c7c7', emptyKm: '#d62728', baselineEmptyKm: '#7f7f7f' };

/** Returns the chart as an SVG document. */
export function renderChart(title: string, days: ChartDay[]): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const slot = plotWidth / Math.max(1, days.length);
  const xCentre = (i: number) => MARGIN.left + slot * (i + 0.5);
  const costTop = MARGIN.top;
  const kmTop = MARGIN.top + PANEL_HEIGHT + MARGIN.bottom + 30;
  const height = kmTop + PANEL_HEIGHT + MARGIN.bottom;

  const costAxis = niceAxis(Math.max(...days.flatMap((d) => [d.costKrw, d.baselineCostKrw])) / 1e6);
  const kmAxis = niceAxis(Math.max(...days.flatMap((d) => [d.deadheadKm, d.baselineDeadheadKm])));
  const yCost = (millions: number) => costTop + PANEL_HEIGHT - (millions / costAxis.max) * PANEL_HEIGHT;
  const yKm = (km: number) => kmTop + PANEL_HEIGHT - (km / kmAxis.max) * PANEL_HEIGHT;

  const barWidth = Math.min(32, slot * 0.35);
  const bars = (key: 'costKrw' | 'baselineCostKrw', series: keyof typeof COLOURS, shift: number) =>
    days
      .map((d, i) => {
        const y = yCost(d[key] / 1e6);
        return `<rect data-series="${series}" data-day="${d.day}" x="${fmt(xCentre(i) + shift)}" y="${fmt(y)}" width="${fmt(barWidth)}" height="${fmt(costTop + PANEL_HEIGHT - y)}" fill="${COLOURS[series]}"><title>${d.day}: ${Math.round(d[key]).toLocaleString('en')} KRW</title></rect>`;
      })
      .join('\n');
  const line = (key: 'deadheadKm' | 'baselineDeadheadKm', series: keyof typeof COLOURS, dash: string) => {
    const points = days.map((d, i) => `${fmt(xCentre(i))},${fmt(yKm(d[key]))}`).join(' ');
    const markers = days.map((d, i) => `<circle cx="${fmt(xCentre(i))}" cy="${fmt(yKm(d[key]))}" r="4" fill="${COLOURS[series]}"><title>${d.day}: ${d[key].toFixed(1)} km</title></circle>`).join('');
    return `<g data-series="${series}"><polyline points="${points}" fill="none" stroke="${COLOURS[series]}" stroke-width="2.5"${dash}/>${markers}</g>`;
  };

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escape(title)}</text>`,
    panel('Daily cost (million KRW)', costTop, costAxis, yCost, days, xCentre, plotWidth),
    bars('costKrw', 'cost', -barWidth),
    bars('baselineCostKrw', 'baselineCost', 0),
    legend(costTop, [
      ['cost', 'with sharing', 'rect'],
      ['baselineCost', 'no-sharing baseline', 'rect'],
    ]),
    panel('Daily empty km', kmTop, kmAxis, yKm, days, xCentre, plotWidth),
    line('baselineDeadheadKm', 'baselineEmptyKm', ' stroke-dasharray="6 4"'),
    line('deadheadKm', 'emptyKm', ''),
    legend(kmTop, [
      ['emptyKm', 'with sharing', 'line'],
      ['baselineEmptyKm', 'no-sharing baseline', 'dashed'],
    ]),
    `</svg>`,
    '',
  ].join('\n');
}

interface Axis {
  max: number;
  step: number;
}

/** An axis from 0 to a round number above `max`, with 4–8 round steps. */
function niceAxis(max: number): Axis {
  if (!(max > 0)) return { max: 1, step: 0.25 };
  const magnitude = 10 ** Math.floor(Math.log10(max / 5));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => max / s <= 8)!;
  return { max: Math.ceil(max / step) * step, step };
}

function panel(label: string, top: number, axis: Axis, y: (v: number) => number, days: ChartDay[], xCentre: (i: number) => number, plotWidth: number): string {
  const left = MARGIN.left;
  const bottom = top + PANEL_HEIGHT;
  const ticks: string[] = [];
  for (let v = 0; v <= axis.max + axis.step / 2; v += axis.step) {
    ticks.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#eeeeee"/>` +
        `<text x="${left - 8}" y="${fmt(y(v) + 4)}" text-anchor="end">${trim(v)}</text>`,
    );
  }
  const dayLabels = days.map((d, i) => `<text x="${fmt(xCentre(i))}" y="${bottom + 18}" text-anchor="middle">${escape(d.day.slice(5))}</text>`);
  return [
    `<g class="axes">`,
    ...ticks,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#333333"/>`,
    `<line x1="${left}" x2="${left + plotWidth}" y1="${bottom}" y2="${bottom}" stroke="#333333"/>`,
    ...dayLabels,
    `<text x="${left + plotWidth / 2}" y="${bottom + 38}" text-anchor="middle">day posted (Asia/Seoul)</text>`,
    `<text transform="translate(20 ${top + PANEL_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${escape(label)}</text>`,
    `</g>`,
  ].join('\n');
}

function legend(top: number, entries: [keyof typeof COLOURS, string, 'rect' | 'line' | 'dashed'][]): string {
  const x = WIDTH - MARGIN.right + 20;
  return [
    `<g class="legend">`,
    ...entries.map(([series, label, shape], i) => {
      const y = top + 10 + i * 22;
      const mark =
        shape === 'rect'
          ? `<rect x="${x}" y="${y - 9}" width="14" height="12" fill="${COLOURS[series]}"/>`
          : `<line x1="${x}" x2="${x + 14}" y1="${y - 3}" y2="${y - 3}" stroke="${COLOURS[series]}" stroke-width="2.5"${shape === 'dashed' ? ' stroke-dasharray="4 3"' : ''}/>`;
      return `${mark}<text x="${x + 20}" y="${y + 1}">${escape(label)}</text>`;
    }),
    `</g>`,
  ].join('\n');
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();
const trim = (x: number) => String(Math.round(x * 1000) / 1000);

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
