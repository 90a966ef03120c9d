import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

type Point = { x: number; y: number };
type Label = Point & { anchor: 'start' | 'end' };
const LAYOUT = fileURLToPath(new URL('../../src/dashboard/public/route-layout.js', import.meta.url));
const { layoutStops, textWidth } = (await import(pathToFileURL(LAYOUT).href)) as {
  layoutStops: (stops: (Point & { labelWidth: number })[], centre: Point, warehouses: Point[], size: number) => { marker: Point; label: Label }[];
  textWidth: (text: string, fontSize: number) => number;
};

/** The dashboard's marker unit and what it draws with it (app.js). */
const SIZE = 1;
const MARKER = 1.1 * SIZE;
const FONT = 1.1 * SIZE;
type Box = { left: number; top: number; right: number; bottom: number };
const around = ({ x, y }: Point, r: number): Box => ({ left: x - r, top: y - r, right: x + r, bottom: y + r });
const textBox = (label: Label, width: number): Box => ({
  left: label.anchor === 'start' ? label.x : label.x - width,
  right: label.anchor === 'start' ? label.x + width : label.x,
  top: label.y - FONT / 2,
  bottom: label.y + FONT / 2,
});
const intersects = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const pairs = <T>(items: T[]) => items.flatMap((a, i) => items.slice(i + 1).map((b) => [a, b] as const));

describe('layoutStops', () => {
  it('leaves a stop alone on the map where it is, its load to the right', () => {
    const [stop] = layoutStops([{ x: 40, y: 10, labelWidth: 12 }], { x: 0, y: 0 }, [], SIZE);
    expect(stop!.marker).toEqual({ x: 40, y: 10 });
    expect(stop!.label).toEqual({ x: 40 + 1.6 * SIZE, y: 10, anchor: 'start' });
  });

  it('lines up stops at one gate in a column, none over another', () => {
    const stops = layoutStops([1, 2, 3].map(() => ({ x: 30, y: 5, labelWidth: 12 })), { x: 0, y: 0 }, [], SIZE);
    expect(stops.map((s) => s.marker.x)).toEqual([30, 30, 30]);
    expect(stops[0]!.marker.y).toBe(5);
    for (const [a, b] of pairs(stops)) expect(Math.abs(a.marker.y - b.marker.y)).toBeGreaterThanOrEqual(2 * MARKER);
  });

  it('keeps the loads of stops close together off each other, off every marker, the centre and the warehouses', () => {
    // A pooled Banwol-Sihwa route as the dashboard drew it, in marker units: two pickups far out, two drops and a
    // pickup by the centre, a drop beyond; stop 4's load used to sit on stop 3's marker and the centre.
    const loads = ['1,430 kg / 2 pallets', '3,170 kg / 6 pallets', '1,740 kg / 4 pallets', '0 kg / 0 pallets', '3,380 kg / 4 pallets', '0 kg / 0 pallets'];
    const places = [[-12.3, -17.3], [-9.4, -18.3], [1.8, 0], [-0.6, -0.4], [-0.6, 1.2], [8, 9.5]] as const;
    const centre = { x: 0, y: 0 };
    const warehouses = [{ x: -2.4, y: 1 }, { x: 1, y: 3.7 }];
    const stops = places.map(([x, y], i) => ({ x, y, labelWidth: textWidth(loads[i]!, FONT) }));
    const laid = layoutStops(stops, centre, warehouses, SIZE);

    const markers = laid.map((s) => s.marker);
    for (const [a, b] of pairs([centre, ...markers])) expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(2 * MARKER);
    const labels = laid.map((s, i) => textBox(s.label, stops[i]!.labelWidth));
    const obstacles = [around(centre, 1.9 * SIZE), ...warehouses.map((w) => around(w, 0.7 * SIZE)), ...markers.map((m) => around(m, MARKER))];
    for (const [i, label] of labels.entries()) {
      expect(obstacles.filter((o) => intersects(o, label)), `load of stop ${i + 1} over a marker`).toEqual([]);
    }
    for (const [a, b] of pairs(labels)) expect(intersects(a, b)).toBe(false);
    // Each load stays by its own marker.
    for (const { marker, label } of laid) expect(Math.hypot(label.x - marker.x, label.y - marker.y)).toBeLessThan(3 * SIZE);
  });

  it('estimates a text as wide as its font for Hangul, 0.6 of it for digits and Latin', () => {
    expect(textWidth('팔레트', 10)).toBe(30);
    expect(textWidth('0 kg', 10)).toBe(24);
  });
});
