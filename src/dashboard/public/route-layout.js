/**
 * Where the stops of a drawn route go on the map so that no number or load label hides another, or the centre.
 * Plain geometry in map units, without the DOM, so that a unit test can check it. `size` is the map's marker unit
 * (app.js draws a stop's circle `size * 1.1` in radius and its label in a font `size * 1.1` high).
 */

/** Room a marker keeps around its centre (its circle and a little air), in sizes. */
const MARKER_RADIUS = 1.2;
/** The centre's star, tip to tip, in sizes. */
const CENTRE_RADIUS = 1.9;
/** A warehouse's square, corner to corner, in sizes. */
const WAREHOUSE_RADIUS = 1;
/** A label starts this far from its marker's centre, in sizes. */
const LABEL_GAP = 1.6;
/** A label's line, in sizes: its font and a little air. */
const LABEL_LINE = 1.4;
/**
 * Places a label may take, tried in turn, as [side, half-lines down]: beside its marker, right then left, then half
 * a line and a line up or down. Further away it would no longer read as that stop's.
 */
const LABEL_PLACES = [[1, 0], [-1, 0], [1, -1], [1, 1], [-1, -1], [-1, 1], [1, -2], [1, 2], [-1, -2], [-1, 2]];

/**
 * @typedef {{ x: number, y: number }} Point
 * @typedef {{ left: number, top: number, right: number, bottom: number }} Box
 * @typedef {{ x: number, y: number, anchor: 'start' | 'end' }} Label
 */

/**
 * Each stop's marker and label. A marker stays on its stop unless it would cover an earlier one or the centre:
 * then it moves down just past them (stops at one gate line up in a column under it). Then each label, in driving
 * order, takes the first of LABEL_PLACES clear of every marker, the centre, the warehouses and the labels before
 * it; with none clear, it stays to the right.
 * @param {(Point & { labelWidth: number })[]} stops in driving order, where they are on the map
 * @param {Point} centre the joint logistics centre
 * @param {Point[]} warehouses where warehouse markers are: labels keep clear of them, stops do not move for them
 * @returns {{ marker: Point, label: Label, box: Box }[]} with `box` the room the label's text takes
 */
export function layoutStops(stops, centre, warehouses, /** @type {number} */ size) {
  /** @type {(Point & { r: number })[]} */
  const circles = [{ ...centre, r: CENTRE_RADIUS * size }];
  const markers = stops.map(({ x, y }) => {
    const r = MARKER_RADIUS * size;
    for (let c = overlapping(circles, x, y, r); c; c = overlapping(circles, x, y, r)) y = c.y + Math.sqrt((c.r + r) ** 2 - (c.x - x) ** 2);
    circles.push({ x, y, r });
    return { x, y };
  });

  /** @type {Box[]} */
  const taken = [...circles, ...warehouses.map((w) => ({ ...w, r: WAREHOUSE_RADIUS * size }))].map(({ x, y, r }) => ({ left: x - r, top: y - r, right: x + r, bottom: y + r }));
  return stops.map((stop, i) => {
    const marker = /** @type {Point} */ (markers[i]);
    const places = LABEL_PLACES.map(([side, lines]) => label(marker, /** @type {number} */ (side), /** @type {number} */ (lines), stop.labelWidth, size));
    const place = places.find((p) => !taken.some((box) => intersects(box, p.box))) ?? /** @type {typeof places[0]} */ (places[0]);
    taken.push(place.box);
    return { marker, label: place.label, box: place.box };
  });
}

/** Rough width of a text in a font `fontSize` high: Hangul is as wide as high, digits and Latin about 0.6 of it. */
export function textWidth(/** @type {string} */ text, /** @type {number} */ fontSize) {
  return [...text].reduce((sum, ch) => sum + (/\p{Script=Hangul}/u.test(ch) ? 1 : 0.6), 0) * fontSize;
}

/** The first circle that one of radius r at (x, y) would cut into. */
function overlapping(/** @type {(Point & { r: number })[]} */ circles, /** @type {number} */ x, /** @type {number} */ y, /** @type {number} */ r) {
  return circles.find((c) => Math.hypot(c.x - x, c.y - y) < c.r + r - 1e-9);
}

/** A label `side` of its marker (1 right, -1 left), `lines` half-lines down, with the box its text fills. */
function label(/** @type {Point} */ marker, /** @type {number} */ side, /** @type {number} */ lines, /** @type {number} */ width, /** @type {number} */ size) {
  const x = marker.x + side * LABEL_GAP * size;
  const y = marker.y + (lines * LABEL_LINE * size) / 2;
  const height = LABEL_LINE * size;
  const box = { left: side > 0 ? x : x - width, right: side > 0 ? x + width : x, top: y - height / 2, bottom: y + height / 2 };
  return { label: /** @type {Label} */ ({ x, y, anchor: side > 0 ? 'start' : 'end' }), box };
}

function intersects(/** @type {Box} */ a, /** @type {Box} */ b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
