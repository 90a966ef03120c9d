import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { latLngToCell } from 'h3-js';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchingRounds } from '../../db/schema';
import { chromiumAvailable, launchChromium } from '../helpers/browser';
import { gql, subscribedTo } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const LANGUAGES = ['ko', 'en'] as const;
type Language = (typeof LANGUAGES)[number];
/** The dashboard's own catalogues: the page must show exactly their texts. */
const catalogues = Object.fromEntries(
  await Promise.all(LANGUAGES.map(async (lang) => [lang, (await import(pathToFileURL(fileURLToPath(new URL(`../../src/dashboard/public/i18n/${lang}.js`, import.meta.url))).href)).default])),
) as Record<Language, Record<string, string | Record<string, string>>>;
const ko = catalogues.ko;
/** Where the test browser believes it is: far from Seoul, so a time not converted to Korean time shows. */
const BROWSER_TIME_ZONE = 'America/Los_Angeles';
const HOUR = 3_600_000;
const BUSAN = { lat: 35.1798, lng: 129.075 };
const SEOUL = { lat: 37.5665, lng: 126.978 };

const COMPLEX_CELLS = 'query ($code: String!) { complex(code: $code) { serviceAreaCells } }';
const COMPLEX_NAMES = '{ complexes(first: 7) { edges { node { code nameKo nameEn } } } }';
const REGISTER_VEHICLE = 'mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }';
const CREATE_LISTING = 'mutation ($input: WarehouseListingCreateInput!) { warehouseListingCreate(input: $input) { listing { id } } }';
const CREATE_REQUEST = 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }';
const RUN_ROUND = 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { status } } }';
const PENDING_OFFERS = 'query { offers(filter: { status: PENDING }, first: 100) { edges { node { id } } } }';
const RECENT = 'query ($code: String!) { complex(code: $code) { recentActivity(first: 50) { kind summary summaryKo } } }';
const ACCEPT = 'mutation ($id: ID!, $key: String!) { offerAccept(input: { offerId: $id, idempotencyKey: $key }) { offer { status } } }';

const available = chromiumAvailable();

let server: TestServer;
let tmp: ReturnType<typeof tempDir>;
let browser: Browser;
let dashboardUrl: string;
const contexts: BrowserContext[] = [];
/** Every URL any page asked for, WebSockets included. */
const requested: string[] = [];
/** Uncaught page errors and Content-Security-Policy violations. */
const problems: string[] = [];

const keyOf = (role: 'MANUFACTURER' | 'CARRIER' | 'WAREHOUSE_OWNER' | 'OPERATOR' | 'ADMIN') => server.keyOf(role).apiKey;

/** POSTs an operation that must succeed, returning its data. */
async function mutate<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, apiKey: string): Promise<T> {
  const { body } = await gql<T>(server.url, query, variables, { apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!;
}

async function serviceAreaCells(code: string): Promise<string[]> {
  const { body } = await gql<{ complex: { serviceAreaCells: string[] } }>(server.url, COMPLEX_CELLS, { code });
  return body.data!.complex.serviceAreaCells;
}

/** A fresh browser profile (its own sessionStorage and localStorage) on the dashboard. */
async function openDashboard(url = dashboardUrl): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: BROWSER_TIME_ZONE });
  contexts.push(context);
  context.on('request', (request) => requested.push(request.url()));
  const page = await context.newPage();
  page.on('websocket', (socket) => requested.push(socket.url()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) problems.push(message.text());
  });
  await page.goto(url);
  return page;
}

async function signIn(page: Page, apiKey: string): Promise<void> {
  await page.fill('#api-key', apiKey);
  await page.click('#key-form button[type=submit]');
  await page.locator('#dashboard').waitFor({ state: 'visible' });
}

const areaCells = (page: Page) => page.locator('#map polygon.area-cell');
const kpi = (page: Page, name: string) => page.locator(`[data-kpi="${name}"]`).textContent();
const liveState = (page: Page) => page.locator('#live').getAttribute('data-state');
const notices = (page: Page) => page.locator('#notices .notice').allTextContents();
const htmlLang = (page: Page) => page.getAttribute('html', 'lang');
const complexOptions = (page: Page) => page.$$eval('#complex option', (nodes) => nodes.map((n) => n.getAttribute('value')));

/** Each element filled from the catalogue, as [key, the text it shows]. */
const catalogueTexts = (page: Page) =>
  page.locator('[data-i18n]').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-i18n')!, n.textContent] as [string, string]));

/** Hours, minutes and seconds of `at` in Korean time, as the page shows them in either language. */
const seoulClock = (at: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
/** Today's month and day in Korean time. */
/** Today in Seoul, or `daysAgo` days before. */
function seoulToday(daysAgo = 0): { month: number; day: number; monthShortEn: string } {
  const date = new Date(Date.now() - daysAgo * 24 * HOUR);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', month: 'short', day: 'numeric' }).formatToParts(date).map((p) => [p.type, p.value]));
  const month = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', month: 'numeric' }).format(date));
  return { month, day: Number(parts.day), monthShortEn: parts.month! };
}

type LatLng = { lat: number; lng: number };
/** A shipment to pick up in the next hours. */
function shipmentRequest(origin: LatLng, destination: LatLng, pallets: number) {
  const now = Date.now();
  return {
    idempotencyKey: randomUUID(),
    origin,
    destination,
    weightKg: pallets * 400,
    pallets,
    cargoClass: 'GENERAL',
    loadingAtOrigin: 'FORKLIFT',
    loadingAtDestination: 'BY_HAND',
    pickupWindow: { from: new Date(now + 2 * HOUR).toISOString(), until: new Date(now + 6 * HOUR).toISOString() },
    deliverBy: new Date(now + 30 * HOUR).toISOString(),
  };
}

/** Posted / served / expired from the KPI panel. */
async function requestCounts(page: Page): Promise<{ posted: number; served: number; expired: number }> {
  const [posted, served, expired] = (await kpi(page, 'requests'))!.split(' / ').map(Number);
  return { posted: posted!, served: served!, expired: expired! };
}

/**
 * A TCP relay to the service on a port of its own, which can go down (its connections cut, its port closed) and
 * come back on the same port: to the browser, the service stopping and starting again.
 */
async function relayTo(port: number): Promise<{ url: string; down(): Promise<void>; up(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = createConnection(port, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(a);
      a.on('close', () => sockets.delete(a)).on('error', () => b.destroy());
      a.pipe(b);
    }
  });
  const listen = (at: number) => new Promise<void>((resolve) => relay.listen(at, '127.0.0.1', resolve));
  await listen(0);
  const own = (relay.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${own}/`,
    down: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => relay.close(() => resolve()));
    },
    up: () => listen(own),
  };
}

beforeAll(async () => {
  tmp = tempDir();
  server = await startTestServer({ dbPath: join(tmp.dir, 'dashboard.db') });
  dashboardUrl = server.url.replace('/graphql', '/');
  if (available) browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server.stop();
  tmp.remove();
});

describe('dashboard files', () => {
  it('serves the page, its script and both browser libraries from the service, under a self-only CSP', async () => {
    for (const path of ['/', '/app.js', '/i18n.js', '/route-layout.js', '/i18n/ko.js', '/i18n/en.js', '/style.css', '/vendor/h3-js.js', '/vendor/graphql-ws.js']) {
      const response = await fetch(new URL(path, dashboardUrl));
      expect(response.status, path).toBe(200);
      const host = new URL(server.url).host;
      expect(response.headers.get('content-security-policy'), path).toBe(`default-src 'self'; connect-src 'self' ws://${host} wss://${host}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
      if (path.endsWith('.js')) expect(response.headers.get('content-type'), path).toMatch(/^text\/javascript/);
    }
    const page = await (await fetch(dashboardUrl)).text();
    expect(page).toContain('<script type="module" src="/app.js">');
    expect(page).not.toMatch(/https?:\/\//);
    expect(await (await fetch(new URL('/vendor/h3-js.js', dashboardUrl))).text()).toContain('cellToBoundary');
  });
});

describe.skipIf(!available)('dashboard in headless Chromium', () => {
  it("asks for a key, refuses a bad one, accepts the operator key, offers only the operator's complex and keeps the key over a reload", async () => {
    const page = await openDashboard();
    await page.locator('#key-form').waitFor({ state: 'visible' });
    expect(await page.locator('#dashboard').isHidden()).toBe(true);

    await page.fill('#api-key', 'sdx_not_a_real_key');
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.locator('#key-error').getAttribute('data-code')).toBe('UNAUTHENTICATED');
    expect(await page.locator('#key-error').textContent()).toBe(ko['error.UNAUTHENTICATED']);
    expect(await page.locator('#key-form').isVisible()).toBe(true);

    // A manufacturer's key is valid, but the dashboard is the operators': the form says so, no empty map behind it.
    await page.fill('#api-key', keyOf('MANUFACTURER'));
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.locator('#key-error').getAttribute('data-code')).toBe('FORBIDDEN');
    expect(await page.locator('#key-error').textContent()).toBe(ko['error.FORBIDDEN']);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    await signIn(page, keyOf('OPERATOR'));
    // An operator oversees one complex: the others would only be refused.
    expect(await complexOptions(page)).toEqual(['BANWOL_SIHWA']);
    expect(await page.inputValue('#complex')).toBe('BANWOL_SIHWA');
    expect(await page.locator('#viewer').getAttribute('data-role')).toBe('OPERATOR');
    expect(await page.locator('#viewer').textContent()).toContain(ko['role.OPERATOR']);

    await page.reload();
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    expect(await page.locator('#key-form').isHidden()).toBe(true);

    await page.click('#sign-out');
    await page.locator('#key-form').waitFor({ state: 'visible' });
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    // A stored key that stopped working brings the form back, saying why.
    await page.evaluate("sessionStorage.setItem('sandan.apiKey', 'sdx_revoked_key')");
    await page.reload();
    await expect.poll(() => page.locator('#key-error').getAttribute('data-code')).toBe('UNAUTHENTICATED');
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    await signIn(page, keyOf('OPERATOR'));
    expect(await complexOptions(page)).toEqual(['BANWOL_SIHWA']);
  });

  it('signs in from the keyboard alone and leaves the focus on the complex picker, not lost with the hidden form', async () => {
    const page = await openDashboard();
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('api-key');
    await page.keyboard.type(keyOf('OPERATOR'));
    await page.keyboard.press('Enter');
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('complex');
    // From there Tab reaches the rest of the top bar, then the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.id')).toBe('sign-out');
    // Signing out is an action: a button, which Space presses as Enter does (a link of "#" took Enter only).
    await page.keyboard.press('Space');
    await page.locator('#key-form').waitFor({ state: 'visible', timeout: 5_000 });
  });

  it("draws the service-area hexagons, the centre and the KPIs of the operator's complex", async () => {
    const cells = await serviceAreaCells('BANWOL_SIHWA');
    const page = await openDashboard();
    await signIn(page, keyOf('OPERATOR'));
    await expect.poll(() => areaCells(page).count()).toBe(cells.length);
    expect(new Set(await areaCells(page).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-cell'))))).toEqual(new Set(cells));
    expect(await page.locator('#map polygon.centre').count()).toBe(1);
    await expect.poll(() => kpi(page, 'requests')).toBe('0 / 0 / 0');
    expect(await kpi(page, 'medianToBooking')).toBe('—');
    await expect.poll(() => liveState(page)).toBe('live');
    expect(await notices(page)).toEqual([]);
  });

  it("asks for the KPIs up to tomorrow's Seoul midnight, also in the day's last hour (storage counts whole days)", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: BROWSER_TIME_ZONE });
    contexts.push(context);
    const page = await context.newPage();
    // 23:30 today in Seoul on the browser's clock: an hour later is tomorrow there.
    const seoulMidnight = (Math.floor((Date.now() + 9 * HOUR) / (24 * HOUR)) + 1) * 24 * HOUR - 9 * HOUR;
    await page.clock.install({ time: new Date(seoulMidnight - HOUR / 2) });
    const asked: { from: string; to: string }[] = [];
    page.on('request', (request) => {
      const body = request.postData();
      if (body?.includes('complexInsights')) asked.push(JSON.parse(body).variables);
    });
    await page.goto(dashboardUrl);
    await signIn(page, keyOf('OPERATOR'));
    await expect.poll(() => asked.length).toBeGreaterThan(0);
    expect(asked[0]).toMatchObject({ from: new Date(seoulMidnight - 7 * 24 * HOUR).toISOString(), to: new Date(seoulMidnight).toISOString() });
  });

  it('on a phone, keeps the sign-in card off the screen edges and the KPI period whole on its line', async () => {
    const page = await openDashboard();
    await page.setViewportSize({ width: 375, height: 812 });
    for (const lang of LANGUAGES) {
      await page.click(`button[data-lang="${lang}"]`);
      const card = (await page.locator('#key-form').boundingBox())!;
      expect(card.x, lang).toBeGreaterThanOrEqual(12);
      expect(375 - (card.x + card.width), lang).toBeGreaterThanOrEqual(12);
    }
    await signIn(page, keyOf('OPERATOR'));
    for (const lang of LANGUAGES) {
      await page.click(`button[data-lang="${lang}"]`);
      await expect.poll(() => page.locator('#kpi-period').textContent()).not.toBe('');
      // One box per line the text takes: the range of days is not broken between its month and day.
      expect(await page.locator('#kpi-period').evaluate((span) => span.getClientRects().length), lang).toBe(1);
    }
  });

  it("on a phone, shows the feed's lines whole: the summary is not squeezed beside a long badge and cut off", async () => {
    // A service of its own: the truck would change what the other tests count.
    const own = await startTestServer({ dbPath: join(tmp.dir, 'phone-feed.db') });
    try {
      // "Vehicle registered", the badge of one of the longest kinds in English, and a summary of several words.
      const availability = [{ startsAt: new Date(Date.now() + HOUR).toISOString(), endsAt: new Date(Date.now() + 9 * HOUR).toISOString() }];
      const input = { plateNumber: '경기34사5678', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability };
      const { body } = await gql(own.url, REGISTER_VEHICLE, { input }, { apiKey: own.keyOf('CARRIER').apiKey });
      expect(body.errors).toBeUndefined();
      const page = await openDashboard(own.url.replace('/graphql', '/'));
      await page.setViewportSize({ width: 375, height: 812 });
      await signIn(page, own.keyOf('OPERATOR').apiKey);
      await page.locator('#feed li[data-kind="VEHICLE_REGISTERED"]').waitFor();
      for (const lang of LANGUAGES) {
        await page.click(`button[data-lang="${lang}"]`);
        const feed = await page.locator('#feed').evaluate((ul) => ({ scrollWidth: ul.scrollWidth, clientWidth: ul.clientWidth }));
        expect(feed.scrollWidth, lang).toBeLessThanOrEqual(feed.clientWidth);
      }
    } finally {
      await own.stop();
    }
  });

  it("keeps the top bar's title readable on a tablet: the controls wrap, not the title word by word", async () => {
    const page = await openDashboard();
    await page.setViewportSize({ width: 768, height: 1024 });
    await signIn(page, keyOf('OPERATOR'));
    for (const lang of LANGUAGES) {
      await page.click(`button[data-lang="${lang}"]`);
      // One box per line its text takes (a range's, whatever the span's display).
      const lines = await page.locator('.topbar .subtitle').evaluate((span) => {
        const range = span.ownerDocument.createRange();
        range.selectNodeContents(span);
        return range.getClientRects().length;
      });
      expect(lines, lang).toBe(1);
    }
    // Nor does it run off the narrowest phones: there it may wrap.
    await page.setViewportSize({ width: 320, height: 640 });
    for (const lang of LANGUAGES) {
      await page.click(`button[data-lang="${lang}"]`);
      expect(await page.evaluate('document.documentElement.scrollWidth'), lang).toBe(320);
    }
  });

  it('keeps a week of a large complex in won on one line of its tile, on a desktop and on a phone', async () => {
    const page = await openDashboard();
    await signIn(page, keyOf('OPERATOR'));
    await expect.poll(() => liveState(page)).toBe('live');
    // Eight digits, as a week of Banwol-Sihwa at scale: it was cut inside the figure (₩2,509,07 over 9) at seven.
    await page.locator('[data-kpi="cost"]').evaluate((dd) => (dd.textContent = '₩25,090,790'));
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const heights = await page.locator('.kpi.wide dd[data-kpi]').evaluateAll((dds) => dds.map((dd) => dd.getBoundingClientRect().height));
      expect(heights[1], `at ${width}px`).toBe(heights[0]);
      expect(await page.locator('.kpi').evaluateAll((tiles) => tiles.filter((t) => t.scrollWidth > t.clientWidth).length), `at ${width}px`).toBe(0);
    }
  });

  it("switches complex and redraws: an operator is offered only its own complex, an admin any of the seven", async () => {
    const gumi = await serviceAreaCells('GUMI');

    // Another complex would only be refused (a FORBIDDEN notice over empty panels): the picker does not offer it.
    const operator = await openDashboard();
    await signIn(operator, keyOf('OPERATOR'));
    expect(await complexOptions(operator)).toEqual(['BANWOL_SIHWA']);
    await expect.poll(() => liveState(operator)).toBe('live');
    await expect.poll(() => kpi(operator, 'requests')).toBe('0 / 0 / 0');
    expect(await notices(operator)).toEqual([]);

    const admin = await openDashboard();
    await signIn(admin, keyOf('ADMIN'));
    expect(await complexOptions(admin)).toEqual(['BANWOL_SIHWA', 'CHANGWON', 'NAMDONG', 'GUMI', 'GWANGJU_CHEOMDAN', 'YEOSU', 'DAEGU_SEONGSEO']);
    expect(await admin.inputValue('#complex')).toBe('BANWOL_SIHWA');
    await admin.selectOption('#complex', 'GUMI');
    await expect.poll(() => areaCells(admin).count()).toBe(gumi.length);
    expect(new Set(await areaCells(admin).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-cell'))))).toEqual(new Set(gumi));
    await expect.poll(() => kpi(admin, 'requests')).toBe('0 / 0 / 0');
    await expect.poll(() => liveState(admin)).toBe('live');
    expect(await notices(admin)).toEqual([]);
  });

  it('shows a booking in the feed and updates the KPIs and heatmap without a reload', async () => {
    const page = await openDashboard();
    await signIn(page, keyOf('OPERATOR'));
    await expect.poll(() => liveState(page)).toBe('live');
    await expect.poll(() => kpi(page, 'requests')).toBe('0 / 0 / 0');
    expect(await page.locator('#map polygon.heat-cell').count()).toBe(0);

    // Supply around the complex (one vehicle well outside the service area), and three shipments to move.
    const now = Date.now();
    const vehicleAt = (lat: number, lng: number, i: number) => ({
      plateNumber: `${80 + i}가${4000 + i}`,
      tonnageClass: i % 2 ? 'T11' : 'T5',
      bodyType: 'WING',
      location: { lat, lng },
      availability: [{ startsAt: new Date(now + HOUR).toISOString(), endsAt: new Date(now + 72 * HOUR).toISOString() }],
    });
    const places = [[37.33, 126.76], [37.3, 126.8], [37.36, 126.7], [37.31, 126.74], [37.42, 126.93]] as const;
    for (const [i, [lat, lng]] of places.entries()) await mutate(REGISTER_VEHICLE, { input: vehicleAt(lat, lng, i) }, keyOf('CARRIER'));
    const today = new Date(now + 9 * HOUR).toISOString().slice(0, 10);
    const in30Days = new Date(now + 9 * HOUR + 30 * 24 * HOUR).toISOString().slice(0, 10);
    for (const [name, lat, lng, pallets] of [['Sihwa warehouse B', 37.32, 126.735, 120], ['Banwol warehouse 3', 37.345, 126.79, 40]] as const) {
      const input = { name, location: { lat, lng }, storageClass: 'AMBIENT', totalPallets: pallets, availability: [{ from: today, to: in30Days, idlePallets: pallets }], pricePerPalletDayKrw: 1_200, opensAt: '08:00', closesAt: '18:00' };
      await mutate(CREATE_LISTING, { input }, keyOf('WAREHOUSE_OWNER'));
    }
    for (const input of [shipmentRequest({ lat: 37.33, lng: 126.76 }, BUSAN, 3), shipmentRequest({ lat: 37.31, lng: 126.73 }, SEOUL, 2), shipmentRequest({ lat: 37.35, lng: 126.78 }, BUSAN, 4)]) {
      await mutate(CREATE_REQUEST, { input }, keyOf('MANUFACTURER'));
    }

    await mutate(RUN_ROUND, {}, keyOf('OPERATOR'));
    const pending = await mutate<{ offers: { edges: { node: { id: string } }[] } }>(PENDING_OFFERS, {}, keyOf('CARRIER'));
    expect(pending.offers.edges.length).toBeGreaterThan(0);
    await mutate(ACCEPT, { id: pending.offers.edges[0]!.node.id, key: randomUUID() }, keyOf('CARRIER'));

    await page.locator('#feed li[data-kind="BOOKING_CONFIRMED"]').waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await requestCounts(page)).served, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    expect((await requestCounts(page)).posted).toBe(3);
    expect(await kpi(page, 'served')).toMatch(/^\d+(\.\d)?%$/);
    expect(await kpi(page, 'savings')).toMatch(/^-?\d+(\.\d)?%$/);
    expect(await kpi(page, 'medianToBooking')).not.toBe('—');
    expect(await page.locator('#map polygon.heat-cell').count()).toBeGreaterThan(1);
    expect(await page.locator('#map rect.warehouse').count()).toBe(2);

    // Newest first: a request posted now tops the feed, and the demand layer shows the waiting requests.
    await mutate(CREATE_REQUEST, { input: shipmentRequest({ lat: 37.29, lng: 126.82 }, SEOUL, 1) }, keyOf('MANUFACTURER'));
    await expect.poll(() => page.locator('#feed li').first().getAttribute('data-kind')).toBe('REQUEST_POSTED');
    await expect.poll(async () => (await requestCounts(page)).posted).toBe(4);
    // Under the served rate, why the waiting requests have no offer: this one was in no round yet.
    await expect.poll(() => page.locator('[data-kpi="served"] + *').textContent()).toContain('미배차 첫 라운드 전 1');
    await page.check('input[name="layer"][value="DEMAND"]');
    await expect.poll(() => page.locator('#map polygon.heat-cell').count()).toBeGreaterThanOrEqual(1);
    await page.check('input[name="layer"][value="SUPPLY"]');
    await expect.poll(() => page.locator('#map polygon.heat-cell').count()).toBeGreaterThan(1);
  });

  it('keeps the complex filling the map when a truck reports from Busan: cells far away are counted under the map, not drawn', async () => {
    const vehicle = await mutate<{ vehicleRegister: { vehicle: { id: string } } }>(
      REGISTER_VEHICLE,
      { input: { plateNumber: '89가4999', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.76 }, availability: [] } },
      keyOf('CARRIER'),
    );
    // A delivery done in Busan, 300 km away: the truck reports where it stands.
    await mutate('mutation ($input: VehicleLocationUpdateInput!) { vehicleLocationUpdate(input: $input) { location { h3Cell } } }', { input: { vehicleId: vehicle.vehicleRegister.vehicle.id, location: BUSAN } }, keyOf('CARRIER'));
    const page = await openDashboard();
    await signIn(page, keyOf('OPERATOR'));
    await expect.poll(() => page.locator('#map polygon.heat-cell').count()).toBeGreaterThan(0);
    const busanCell = latLngToCell(BUSAN.lat, BUSAN.lng, 7);
    expect(await page.locator(`#map polygon.heat-cell[data-cell="${busanCell}"]`).count()).toBe(0);
    await expect.poll(() => page.locator('#map-beyond').textContent()).toBe((ko['map.beyond'] as string).replace('{km}', '50').replace('{count}', '1'));
    // The service area spans most of the map's width or height, not a corner of a map of Korea.
    const view = (await page.getAttribute('#map', 'viewBox'))!.split(' ').map(Number);
    const corners = (await areaCells(page).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('points')!))).flatMap((points: string) => points.split(' ').map((p: string) => p.split(',').map(Number)));
    const span = (axis: 0 | 1) => Math.max(...corners.map((c) => c[axis]!)) - Math.min(...corners.map((c) => c[axis]!));
    expect(Math.max(span(0) / view[2]!, span(1) / view[3]!)).toBeGreaterThan(0.3);
    // Home again, unannounced (a location report tells the feed nothing), for the tests after.
    await mutate('mutation ($input: VehicleLocationUpdateInput!) { vehicleLocationUpdate(input: $input) { location { h3Cell } } }', { input: { vehicleId: vehicle.vehicleRegister.vehicle.id, location: { lat: 37.33, lng: 126.76 } } }, keyOf('CARRIER'));
  });

  it("opens with the complex's recent activity, in Korean, newest first, and shows an event that came while it loaded once", async () => {
    const recentOf = async () => (await mutate<{ complex: { recentActivity: { kind: string; summaryKo: string }[] } }>(RECENT, { code: 'BANWOL_SIHWA' }, keyOf('OPERATOR'))).complex.recentActivity;
    const before = await recentOf();
    expect(new Set(before.map((a) => a.kind))).toEqual(new Set(['REQUEST_POSTED', 'MATCHING_ROUND_COMPLETED', 'BOOKING_CONFIRMED', 'LISTING_PUBLISHED', 'VEHICLE_REGISTERED']));
    const page = await openDashboard();
    // A load posted as soon as the service listens for the feed, while it reads the history or after: shown once
    // (the window itself is held open in test/integration/complex-activity-recent.test.ts).
    const subscribed = subscribedTo(server.pubsub, 'complexActivity');
    await signIn(page, keyOf('OPERATOR'));
    await subscribed;
    await mutate(CREATE_REQUEST, { input: shipmentRequest({ lat: 37.3, lng: 126.77 }, SEOUL, 2) }, keyOf('MANUFACTURER'));
    const after = await recentOf();
    expect(after.slice(1)).toEqual(before.slice(0, 49));
    await expect.poll(() => page.locator('#feed li .summary').allTextContents()).toEqual(after.map((a) => a.summaryKo));
    expect(await page.locator('#feed li').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')))).toEqual(after.map((a) => a.kind));

    // Another complex's history opens with it, and this one's again on coming back.
    const admin = await openDashboard();
    await signIn(admin, keyOf('ADMIN'));
    await expect.poll(() => admin.locator('#feed li .summary').allTextContents()).toEqual(after.map((a) => a.summaryKo));
    await admin.selectOption('#complex', 'GUMI');
    await expect.poll(() => admin.locator('#feed-empty').isVisible()).toBe(true);
    await admin.selectOption('#complex', 'BANWOL_SIHWA');
    await expect.poll(() => admin.locator('#feed li .summary').allTextContents()).toEqual(after.map((a) => a.summaryKo));
    expect(await notices(admin)).toEqual([]);

    // A line of an earlier day says which day, in Korean time (the rounds' times put back after).
    const rounds = await server.db.select({ id: matchingRounds.id, finishedAt: matchingRounds.finishedAt }).from(matchingRounds).all();
    const yesterday = new Date(Date.now() - 24 * HOUR);
    try {
      await server.db.update(matchingRounds).set({ finishedAt: yesterday }).run();
      const morning = await openDashboard();
      await signIn(morning, keyOf('OPERATOR'));
      const planned = new Intl.DateTimeFormat('ko-KR', { timeZone: 'Asia/Seoul', month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      await expect.poll(() => morning.locator('#feed li[data-kind="MATCHING_ROUND_COMPLETED"] time').first().textContent()).toBe(planned.format(yesterday));
    } finally {
      for (const { id, finishedAt } of rounds) await server.db.update(matchingRounds).set({ finishedAt }).where(eq(matchingRounds.id, id)).run();
    }
  });

  it("lists the complex's latest routes and draws the one selected over the hexagons: stops numbered in order, the load after each", async () => {
    const { body } = await gql<{ routes: { edges: { node: { id: string; startAt: string; stops: { seq: number; kgAfter: number; palletsAfter: number }[] } }[] } }>(
      server.url,
      '{ routes(filter: { complexCode: "BANWOL_SIHWA" }, first: 8) { edges { node { id startAt stops { seq kgAfter palletsAfter } } } } }',
      {},
      { apiKey: keyOf('OPERATOR') },
    );
    const routes = body.data!.routes.edges.map((e) => e.node);
    expect(routes.length).toBeGreaterThan(0);
    const page = await openDashboard();
    await signIn(page, keyOf('OPERATOR'));
    await expect.poll(() => page.locator('#routes button.route').count()).toBe(routes.length);
    expect(await page.locator('#map .route-layer').count()).toBe(0);

    // The route with the most stops (a pooled one when the round pooled any).
    const route = routes.reduce((a, b) => (b.stops.length > a.stops.length ? b : a));
    const button = page.locator(`#routes button[data-route="${route.id}"]`);
    // Its start as a dispatcher reads it, in Korean time: the weekday and the minute, not the second.
    const planned = new Intl.DateTimeFormat('ko-KR', { timeZone: 'Asia/Seoul', month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect((await button.textContent())!.split(' · ')[0]).toBe(planned.format(new Date(route.startAt)));
    await button.click();
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    const stops = page.locator('#map .route-layer g.stop');
    expect(await stops.count()).toBe(route.stops.length);
    expect(await stops.evaluateAll((gs) => gs.map((g) => g.querySelector('text')!.textContent))).toEqual(route.stops.map((s) => String(s.seq)));
    const kg = new Intl.NumberFormat('ko-KR', { style: 'unit', unit: 'kilogram', maximumFractionDigits: 1 });
    expect(await page.locator('#map .route-layer text.load').allTextContents()).toEqual(
      // Korean has one form for any number of pallets.
      route.stops.map((s) => (ko['map.stopLoad'] as string).replace('{kg}', kg.format(s.kgAfter)).replace('{count}', String(s.palletsAfter))),
    );
    expect(await page.locator('#map .route-layer polyline.route-line').count()).toBe(1);
    // The line runs through each stop's marker where it is drawn (moved off the centre or another stop too).
    const linePoints = (await page.locator('#map .route-layer polyline.route-line').getAttribute('points'))!.split(' ');
    expect(linePoints).toEqual(await stops.evaluateAll((gs) => gs.map((g) => { const c = g.querySelector('circle')!; return `${Number(c.getAttribute('cx')).toFixed(2)},${Number(c.getAttribute('cy')).toFixed(2)}`; })));
    // No load as drawn covers another load, a stop's number or the centre.
    const rects = (selector: string) =>
      page.locator(selector).evaluateAll((nodes) => nodes.map((n) => (({ x, y, width, height }) => ({ x, y, width, height }))(n.getBoundingClientRect())));
    const loads = await rects('#map .route-layer text.load');
    const markers = await rects('#map .route-layer circle, #map polygon.centre');
    const cut = (a: (typeof loads)[0], b: (typeof loads)[0]) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const overlaps = loads.flatMap((load, i) => [...loads.slice(i + 1), ...markers].filter((other) => cut(load, other)).map(() => `load of stop ${i + 1}`));
    expect(overlaps).toEqual([]);
    // Nor is one cut at the map's edge (the outermost stop's load is written beyond it).
    const [map] = await rects('#map');
    const cutOff = [...loads, ...markers].filter(({ x, y, width, height }) => x < map!.x - 0.5 || y < map!.y - 0.5 || x + width > map!.x + map!.width + 0.5 || y + height > map!.y + map!.height + 0.5);
    expect(cutOff).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-route-ko.png'), fullPage: true });

    await button.click();
    expect(await page.locator('#map .route-layer').count()).toBe(0);
  });

  it('speaks Korean by default, switches to English, remembers it over a reload and switches back', async () => {
    const page = await openDashboard();
    await page.locator('#key-form').waitFor({ state: 'visible' });
    expect(await htmlLang(page)).toBe('ko');
    expect(await page.title()).toBe(ko['app.title']);
    expect(await page.locator('#key-form h2').textContent()).toBe(ko['signIn.title']);
    expect(await page.getAttribute('button[data-lang="ko"]', 'aria-pressed')).toBe('true');

    await page.click('button[data-lang="en"]');
    expect(await htmlLang(page)).toBe('en');
    expect(await page.title()).toBe(catalogues.en['app.title']);
    expect(await page.locator('#key-form h2').textContent()).toBe(catalogues.en['signIn.title']);
    await page.reload();
    await page.locator('#key-form').waitFor({ state: 'visible' });
    expect(await htmlLang(page)).toBe('en');
    expect(await page.locator('#key-form h2').textContent()).toBe(catalogues.en['signIn.title']);
    expect(await page.getAttribute('button[data-lang="en"]', 'aria-pressed')).toBe('true');

    // Switching while signed in redraws what the service sent in the other language, names of complexes included
    // (an admin's picker, which offers all seven).
    await signIn(page, keyOf('ADMIN'));
    expect(await page.locator('#viewer').textContent()).toContain(catalogues.en['role.ADMIN']);
    const { body } = await gql<{ complexes: { edges: { node: { code: string; nameKo: string; nameEn: string } }[] } }>(server.url, COMPLEX_NAMES, {});
    const names = body.data!.complexes.edges.map((e) => e.node);
    expect(await page.locator('#complex option').allTextContents()).toEqual(names.map((n) => n.nameEn));
    await page.click('button[data-lang="ko"]');
    expect(await htmlLang(page)).toBe('ko');
    expect(await page.locator('#complex option').allTextContents()).toEqual(names.map((n) => n.nameKo));
    expect(await page.locator('#viewer').textContent()).toContain(ko['role.ADMIN']);
    await expect.poll(() => page.locator('#live').textContent()).toBe(ko['live.live']);
    expect(await page.evaluate("localStorage.getItem('sandan.lang')")).toBe('ko');
  });

  describe.each(LANGUAGES)('in %s', (lang) => {
    const text = catalogues[lang];

    it('shows every label from the catalogue, money in won, the period and the feed in Korean time', async () => {
      const page = await openDashboard();
      if (lang !== 'ko') await page.click(`button[data-lang="${lang}"]`);
      await signIn(page, keyOf('OPERATOR'));
      expect(await htmlLang(page)).toBe(lang);
      await expect.poll(() => kpi(page, 'cost')).not.toBe(text['kpi.none']);

      const shown = await catalogueTexts(page);
      expect(shown.length).toBeGreaterThan(20);
      expect(shown.filter(([key, value]) => value !== text[key])).toEqual([]);
      expect(await page.getAttribute('#api-key', 'placeholder')).toBe(text['signIn.keyPlaceholder']);

      // Won without decimals, thousands separated by commas, in the figure and in its baseline.
      expect(await kpi(page, 'cost')).toMatch(/^₩\d{1,3}(,\d{3})*$/);
      expect(await page.locator('[data-kpi="cost"] + .detail').textContent()).toMatch(/₩\d{1,3}(,\d{3})*/);

      // The 7 days are calendar days in Seoul, today the last, whatever the browser's own zone (as README's example).
      // Within one month Korean names it once ("12월 25일 (금)~31일 (목)"); across months, and in English, each end has it.
      const [from, to] = (await page.locator('#kpi-period').textContent())!.split(/\s*[~–]\s*/);
      const first = seoulToday(6);
      const last = seoulToday();
      if (lang === 'ko') {
        expect(from).toMatch(new RegExp(`^(\\d{4}년 )?${first.month}월 ${first.day}일 `));
        expect(to).toMatch(new RegExp(`^(\\d{4}년 )?${last.month === first.month ? '' : `${last.month}월 `}${last.day}일 `));
      } else {
        expect(from).toMatch(new RegExp(`^\\w+,? ${first.day} ${first.monthShortEn}\\b`));
        expect(to).toMatch(new RegExp(`^\\w+,? ${last.day} ${last.monthShortEn}\\b`));
      }

      await mutate(CREATE_REQUEST, { input: shipmentRequest({ lat: 37.3, lng: 126.8 }, SEOUL, 2) }, keyOf('MANUFACTURER'));
      const entry = page.locator('#feed li[data-kind="REQUEST_POSTED"]').first();
      await entry.waitFor({ timeout: 10_000 });
      expect(await entry.locator('.kind').textContent()).toBe(text['kind.REQUEST_POSTED']);
      const at = new Date((await entry.locator('time').getAttribute('datetime'))!);
      expect(await entry.locator('time').textContent()).toBe(seoulClock(at));
      // The service's line in the page's language, marked as such for screen readers, and redrawn on switching.
      const summary = entry.locator('.summary');
      expect(await summary.getAttribute('lang')).toBe(lang);
      expect(await summary.textContent()).toMatch(lang === 'ko' ? /^일반 \d+팔레트, [\d,]+kg, 상차 \d\d-\d\d \d\d:\d\d$/ : /^\d+ pallets? GENERAL, [\d,]+ kg, pickup \d\d-\d\d \d\d:\d\d$/);
      // The pickup's date and time are never broken across lines at the date's hyphen (`상차 12-` / `09 09:00`).
      const pickup = summary.locator('.nowrap');
      expect(await pickup.textContent()).toMatch(/^\d\d-\d\d \d\d:\d\d$/);
      expect(await page.evaluate("getComputedStyle(document.querySelector('#feed li[data-kind=REQUEST_POSTED] .summary .nowrap')).whiteSpace")).toBe('nowrap');
      const other = lang === 'ko' ? 'en' : 'ko';
      await page.click(`button[data-lang="${other}"]`);
      await expect.poll(() => summary.getAttribute('lang')).toBe(other);
      await page.click(`button[data-lang="${lang}"]`);
      expect(await page.locator('#live').textContent()).toBe(text['live.live']);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-${lang}.png`), fullPage: true });
    });
  });

  it('marks an extension of a booked route as such, its price what the joining load adds, beside the route it extends', async () => {
    // A complex of its own: one truck, so the second load can only ride on the first one's booked route.
    const own = await startTestServer({ dbPath: join(tmp.dir, 'extension.db') });
    try {
      const as = async <T,>(role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR', query: string, variables: Record<string, unknown> = {}) => {
        const { body } = await gql<T>(own.url, query, variables, { apiKey: own.keyOf(role).apiKey });
        expect(body.errors).toBeUndefined();
        return body.data!;
      };
      const later = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
      const post = (origin: LatLng, destination: LatLng, pallets: number) =>
        as('MANUFACTURER', CREATE_REQUEST, { input: { ...shipmentRequest(origin, destination, pallets), pickupWindow: { from: later(20), until: later(26) }, deliverBy: later(48) } });
      const roundRoutes = async () => {
        const { matchingRunStart } = await as<{ matchingRunStart: { round: { id: string } } }>('OPERATOR', 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id } } }');
        const { routes } = await as<{ routes: { edges: { node: { id: string; priceKrw: number; extendsRouteId: string | null } }[] } }>(
          'OPERATOR', 'query ($round: ID) { routes(filter: { roundId: $round }) { edges { node { id priceKrw extendsRouteId } } } }', { round: matchingRunStart.round.id });
        return routes.edges.map((e) => e.node);
      };
      await as('CARRIER', REGISTER_VEHICLE, { input: { plateNumber: '경기12바3456', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: later(1), endsAt: later(72) }] } });
      await post({ lat: 37.325, lng: 126.75 }, { lat: 37.2636, lng: 127.0286 }, 2);
      const [booked] = await roundRoutes();
      await as('CARRIER', 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { route { status } } }', { id: booked!.id, key: randomUUID() });
      await post({ lat: 37.322, lng: 126.755 }, { lat: 37.27, lng: 127.0 }, 3);
      const [extension] = await roundRoutes();
      expect(extension!.extendsRouteId).toBe(booked!.id);

      const page = await openDashboard(own.url.replace('/graphql', '/'));
      await signIn(page, own.keyOf('OPERATOR').apiKey);
      const rows = page.locator('#routes button.route');
      await expect.poll(() => rows.count()).toBe(2);
      const won = new Intl.NumberFormat('ko-KR', { style: 'currency', currency: 'KRW' });
      // Each row as its catalogue text: the time, stops and loads as they come, the price and status exactly.
      const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const shape = (key: 'routes.item' | 'routes.extension', priceKrw: number, status: string) =>
        new RegExp(`^${(ko[key] as string).split(/(\{\w+\})/).map((part) => (part === '{price}' ? escape(won.format(priceKrw)) : part === '{status}' ? escape(status) : /^\{\w+\}$/.test(part) ? '.+' : escape(part))).join('')}$`);
      const extensionRow = page.locator(`#routes button[data-extends="${booked!.id}"]`);
      expect(await extensionRow.getAttribute('data-route')).toBe(extension!.id);
      expect(await extensionRow.textContent()).toMatch(shape('routes.extension', extension!.priceKrw, ko['routes.status.PENDING'] as string));
      expect(await page.locator(`#routes button[data-route="${booked!.id}"]`).textContent()).toMatch(shape('routes.item', booked!.priceKrw, ko['routes.status.ACCEPTED'] as string));
      expect(await page.locator(`#routes button[data-route="${booked!.id}"]`).getAttribute('data-extends')).toBeNull();
    } finally {
      await own.stop();
    }
  });

  it('counts the places a route stops at, as the engine does: two loads at one dock and two drops at another are 2 stops', async () => {
    // A complex of its own: one truck, which carries both loads.
    const own = await startTestServer({ dbPath: join(tmp.dir, 'places.db') });
    try {
      const as = async <T,>(role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR', query: string, variables: Record<string, unknown> = {}) => {
        const { body } = await gql<T>(own.url, query, variables, { apiKey: own.keyOf(role).apiKey });
        expect(body.errors).toBeUndefined();
        return body.data!;
      };
      await as('CARRIER', REGISTER_VEHICLE, { input: { plateNumber: '경기56아7890', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: new Date(Date.now() + HOUR).toISOString(), endsAt: new Date(Date.now() + 72 * HOUR).toISOString() }] } });
      // One factory's dock and one warehouse's, each sent a few metres apart (map pins differ): one place each.
      await as('MANUFACTURER', CREATE_REQUEST, { input: shipmentRequest({ lat: 37.325, lng: 126.75 }, { lat: 37.2636, lng: 127.0286 }, 2) });
      await as('MANUFACTURER', CREATE_REQUEST, { input: shipmentRequest({ lat: 37.32508, lng: 126.75005 }, { lat: 37.26365, lng: 127.02854 }, 3) });
      const { matchingRunStart } = await as<{ matchingRunStart: { round: { id: string } } }>('OPERATOR', 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id } } }');
      const { routes } = await as<{ routes: { edges: { node: { id: string; stops: { action: string }[] } }[] } }>(
        'OPERATOR', 'query ($round: ID) { routes(filter: { roundId: $round }) { edges { node { id stops { action } } } } }', { round: matchingRunStart.round.id });
      expect(routes.edges.map((e) => e.node.stops.map((s) => s.action))).toEqual([['PICKUP', 'PICKUP', 'DROP', 'DROP']]);

      const page = await openDashboard(own.url.replace('/graphql', '/'));
      await signIn(page, own.keyOf('OPERATOR').apiKey);
      const row = page.locator(`#routes button[data-route="${routes.edges[0]!.node.id}"]`);
      await expect.poll(() => row.textContent()).toContain(' · 2개 정차 · 화물 2건 · ');
      await page.click('button[data-lang="en"]');
      await expect.poll(() => row.textContent()).toContain(' · 2 stops · 2 loads of 1 shipper · ');
      // The map still draws every stop, each numbered.
      await row.click();
      await expect.poll(() => page.locator('#map .route-layer g.stop').count()).toBe(4);
    } finally {
      await own.stop();
    }
  });

  it("lists a route its shippers emptied by its start and status, not as '0 stops · 0 loads of 0 shippers · ₩0'", async () => {
    const own = await startTestServer({ dbPath: join(tmp.dir, 'emptied.db') });
    try {
      const as = async <T,>(role: 'MANUFACTURER' | 'CARRIER' | 'OPERATOR', query: string, variables: Record<string, unknown> = {}) => {
        const { body } = await gql<T>(own.url, query, variables, { apiKey: own.keyOf(role).apiKey });
        expect(body.errors).toBeUndefined();
        return body.data!;
      };
      await as('CARRIER', REGISTER_VEHICLE, { input: { plateNumber: '경기57아7891', tonnageClass: 'T5', bodyType: 'WING', location: { lat: 37.33, lng: 126.74 }, availability: [{ startsAt: new Date(Date.now() + HOUR).toISOString(), endsAt: new Date(Date.now() + 30 * HOUR).toISOString() }] } });
      const { shipmentRequestCreate } = await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>('MANUFACTURER', CREATE_REQUEST, { input: shipmentRequest({ lat: 37.325, lng: 126.75 }, SEOUL, 2) });
      const { matchingRunStart } = await as<{ matchingRunStart: { round: { id: string } } }>('OPERATOR', 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id } } }');
      const { routes } = await as<{ routes: { edges: { node: { id: string } }[] } }>('OPERATOR', 'query ($round: ID) { routes(filter: { roundId: $round }) { edges { node { id } } } }', { round: matchingRunStart.round.id });
      const routeId = routes.edges[0]!.node.id;
      await as('CARRIER', 'mutation ($id: ID!, $key: String!) { routeAccept(input: { routeId: $id, idempotencyKey: $key }) { route { status } } }', { id: routeId, key: randomUUID() });
      await as('MANUFACTURER', 'mutation ($id: ID!) { shipmentRequestCancel(input: { shipmentRequestId: $id, reason: "주문 취소" }) { shipmentRequest { status } } }', { id: shipmentRequestCreate.shipmentRequest.id });

      const page = await openDashboard(own.url.replace('/graphql', '/'));
      await signIn(page, own.keyOf('OPERATOR').apiKey);
      const row = page.locator(`#routes button[data-route="${routeId}"]`);
      await expect.poll(() => row.textContent()).toMatch(new RegExp(`^\\d+월 \\d+일 \\(.\\) \\d\\d:\\d\\d · ${ko['routes.status.CANCELLED']}$`));
      await page.click('button[data-lang="en"]');
      await expect.poll(() => row.textContent()).toMatch(/^\w{3} \d+ \w{3}, \d\d:\d\d · cancelled by the shippers$/);
    } finally {
      await own.stop();
    }
  });

  it('keeps its figures while the service is unreachable, and follows it again once back, catching up on what it missed', async () => {
    const relay = await relayTo(Number(new URL(server.url).port));
    const page = await openDashboard(relay.url);
    await signIn(page, keyOf('OPERATOR'));
    await expect.poll(() => liveState(page)).toBe('live');
    await expect.poll(() => kpi(page, 'requests')).not.toBe('—');
    const figures = await page.locator('#kpis').innerText();
    const routes = await page.locator('#routes li').count();
    const { posted } = await requestCounts(page);

    await relay.down();
    await expect.poll(() => liveState(page)).toBe('connecting');
    // A refresh that cannot reach the service says so and leaves the last figures up, not blanks and "no route yet".
    await page.check('input[name="layer"][value="DEMAND"]');
    await expect.poll(() => page.locator('#notices .notice').getAttribute('data-code')).toBe('NETWORK');
    expect(await page.locator('#kpis').innerText()).toBe(figures);
    expect(await page.locator('#routes li').count()).toBe(routes);
    // Posted while the page cannot hear of it (seven pallets: no other load of the tests has as many).
    await mutate(CREATE_REQUEST, { input: shipmentRequest({ lat: 37.3, lng: 126.75 }, SEOUL, 7) }, keyOf('MANUFACTURER'));

    await relay.up();
    await expect.poll(() => liveState(page), { timeout: 30_000 }).toBe('live');
    await expect.poll(async () => (await requestCounts(page)).posted, { timeout: 5_000 }).toBe(posted + 1);
    await expect.poll(() => notices(page)).toEqual([]);
    // The feed caught up on the posting it did not hear of, from the recent activity its subscription sent again.
    await expect.poll(() => page.locator('#feed li[data-kind="REQUEST_POSTED"]', { hasText: '일반 7팔레트' }).count()).toBe(1);
    // In place of the lines it showed before, not beside them: each line once.
    const recent = (await mutate<{ complex: { recentActivity: { summaryKo: string }[] } }>(RECENT, { code: 'BANWOL_SIHWA' }, keyOf('OPERATOR'))).complex.recentActivity;
    await expect.poll(() => page.locator('#feed li .summary').allTextContents()).toEqual(recent.map((a) => a.summaryKo));
    // And the feed follows again.
    await mutate(CREATE_REQUEST, { input: shipmentRequest({ lat: 37.31, lng: 126.76 }, BUSAN, 2) }, keyOf('MANUFACTURER'));
    await expect.poll(async () => (await requestCounts(page)).posted, { timeout: 5_000 }).toBe(posted + 2);
    expect(await page.locator('#feed li').first().getAttribute('data-kind')).toBe('REQUEST_POSTED');
    await relay.down();
  }, 90_000);

  it('keeps the stored key when the service cannot answer at a reload, and opens by itself once it does', async () => {
    const page = await openDashboard();
    await signIn(page, keyOf('OPERATOR'));
    // The page's files still load (a proxy or CDN in front, the database away: 503), /graphql does not.
    const cut = (route: Route) => route.abort('connectionrefused');
    await page.route('**/graphql', cut);
    await page.reload();
    await expect.poll(() => page.locator('#key-error').getAttribute('data-code')).toBe('NETWORK');
    expect(await page.evaluate("sessionStorage.getItem('sandan.apiKey')")).toBe(keyOf('OPERATOR'));
    await page.unroute('**/graphql', cut);
    await page.locator('#dashboard').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('#key-form').isHidden()).toBe(true);
  }, 60_000);

  it('asks nothing of any host but the service, breaks no Content-Security-Policy rule and throws no error', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => new URL(url).hostname !== '127.0.0.1')).toEqual([]);
    expect(requested.some((url) => url.startsWith('ws://127.0.0.1'))).toBe(true);
    expect(problems).toEqual([]);
  });
});
