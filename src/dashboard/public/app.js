/**
 * Sandan Exchange operator dashboard: hexagon map, KPIs and live activity of one complex.
 * Plain ES module. `h3` and `graphqlWs` are globals of the UMD builds the service serves under /vendor.
 * No user-visible text here: it comes from the catalogues through `t` and is formatted through `fmt`.
 */
/* global h3, graphqlWs */
import { fmt, hasText, language, setLanguage, t, translatePage } from './i18n.js';
import { layoutStops, textWidth } from './route-layout.js';

const GRAPHQL_PATH = '/graphql';
const KEY_STORAGE = 'sandan.apiKey';
const FEED_LIMIT = 50;
const REFRESH_DEBOUNCE_MS = 500;
/** Longest wait between two attempts to reach the service again (doubling from 1 s, plus up to 1 s of jitter). */
const RECONNECT_MAX_MS = 10_000;
/** Error codes that say the service could not answer, not that it refused. */
const UNREACHABLE = new Set(['NETWORK', 'HTTP', 'SERVICE_UNAVAILABLE']);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Asia/Seoul is UTC+9 all year. */
const SEOUL_OFFSET_MS = 9 * HOUR_MS;
/** The KPIs cover this many calendar days in Seoul, today the last (as README's complexInsights example). */
const KPI_DAYS = 7;
/** SVG units per degree of latitude; any scale works since the viewBox is fitted to the drawing. */
const UNITS_PER_DEGREE = 1000;
/**
 * Heat cells further than this from the centroid are counted under the map, not drawn: a truck that delivered to Busan
 * would stretch the map to a corner of Korea and shrink the complex to a dot. It holds the neighbouring cities' yards
 * (Banwol-Sihwa to Pyeongtaek is some 45 km).
 */
const MAP_REACH_KM = 50;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Light to dark ends of each layer's colour scale. */
const SCALES = { SUPPLY: ['#d9f2ee', '#0f766e'], DEMAND: ['#fde8d4', '#c2410c'] };

const COMPLEXES = `{ complexes(first: 7) { edges { node {
  code nameKo nameEn centroid { lat lng } serviceAreaCells serviceAreaResolution
  centre { nameKo nameEn location { lat lng } } } } } }`;
const VIEWER = '{ viewer { name role complex { code } } }';
const COMPLEX_DATA = `query ($code: String!, $res: Int!, $layer: HeatmapLayer!, $from: DateTime!, $to: DateTime!) {
  heatmap(complexCode: $code, resolution: $res, layer: $layer) { cells { cell count pallets } }
  complexInsights(complexCode: $code, from: $from, to: $to) {
    storage { idlePalletDays bookedPalletDays utilisationPct }
    requests { posted served expired cancelled waiting servedPct medianMinutesToBooking consolidated consolidationRatePct }
    transport { costKrw baselineCostKrw savingsPct deadheadKm loadedKm emptyKmSharePct baselineEmptyKmSharePct co2Kg baselineCo2Kg }
    trips { trips requestsPerTrip loadFactorPalletsKmPct loadFactorKgKmPct }
    unmatched { reason count }
  }
  warehouseListings(filter: { complexCode: $code, status: ACTIVE }, first: 100) { edges { node { name totalPallets storageClass location { lat lng } } } }
  routes(filter: { complexCode: $code }, first: 8) { edges { node {
    id status sharedBy priceKrw startAt extendsRouteId stopPlaces stops { seq action requestId arriveAt location { lat lng } kgAfter palletsAfter } } } }
}`;
// With `recent`, the complex's recent activity comes first, oldest first, then the live lines, each once.
const ACTIVITY = 'subscription ($code: String!, $recent: Int) { complexActivity(code: $code, recent: $recent) { kind at summary summaryKo } }';

/**
 * @typedef {{ lat: number, lng: number }} LatLng
 * @typedef {{ code: string, nameKo: string, nameEn: string, centroid: LatLng, serviceAreaCells: string[],
 *   serviceAreaResolution: number, centre: { nameKo: string, nameEn: string, location: LatLng } }} Complex
 * @typedef {{ cell: string, count: number, pallets: number }} HeatCell
 * @typedef {{ name: string, totalPallets: number, storageClass: string, location: LatLng }} Warehouse
 * @typedef {{ message: string, extensions?: { code?: string, [detail: string]: unknown } }} GraphQLError
 *   errors made here have an empty message: their text comes from the catalogue by code
 * @typedef {{ seq: number, action: 'PICKUP' | 'DROP' | 'CENTRE_DROP' | 'CENTRE_PICKUP', requestId: string, arriveAt: string, location: LatLng, kgAfter: number, palletsAfter: number }} RouteStop
 * @typedef {{ id: string, status: string, sharedBy: number, priceKrw: number, startAt: string, extendsRouteId: string | null, stopPlaces: number, stops: RouteStop[] }} Route
 * @typedef {{ kind: string, at: string, summary: string, summaryKo: string }} Activity
 * @typedef {{ name: string, role: string, complex: { code: string } | null }} Viewer
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {
  keyForm: /** @type {HTMLFormElement} */ ($('key-form')),
  keyInput: /** @type {HTMLInputElement} */ ($('api-key')),
  keyError: $('key-error'),
  dashboard: $('dashboard'),
  picker: /** @type {HTMLElement} */ (document.querySelector('.complex-picker')),
  select: /** @type {HTMLSelectElement} */ ($('complex')),
  viewer: $('viewer'),
  signOut: $('sign-out'),
  notices: $('notices'),
  map: $('map'),
  legend: $('legend'),
  mapBeyond: $('map-beyond'),
  kpiPeriod: $('kpi-period'),
  kpiUpdated: $('kpi-updated'),
  feed: $('feed'),
  feedEmpty: $('feed-empty'),
  routes: $('routes'),
  routesEmpty: $('routes-empty'),
  live: $('live'),
};

const state = {
  apiKey: sessionStorage.getItem(KEY_STORAGE),
  /** @type {Complex[]} */ complexes: [],
  /** @type {Complex | null} */ complex: null,
  /** @type {'SUPPLY' | 'DEMAND'} */ layer: 'SUPPLY',
  /** @type {HeatCell[]} */ heat: [],
  /** @type {Warehouse[]} */ warehouses: [],
  /** @type {Route[]} the complex's latest routes, newest first */ routes: [],
  /** @type {string | null} id of the route drawn on the map */ routeId: null,
  /** @type {Viewer | null} */ viewer: null,
  /** @type {any} the last complexInsights, kept to redraw in another language */ insights: null,
  /** @type {{ from: Date, to: Date, updated: Date } | null} period of those insights */ period: null,
  /** @type {Activity[]} newest first */ feed: [],
  /** @type {'live' | 'connecting' | 'off' | 'refused'} */ live: 'off',
  /** @type {GraphQLError | null} why the key form is shown again */ keyError: null,
  /** @type {Map<string, GraphQLError[]>} errors by where they came from, shown until that source succeeds */
  notices: new Map(),
  /** Only the latest refresh may render: an older answer could belong to the previous complex. */
  refreshSeq: 0,
  /** @type {ReturnType<typeof setTimeout> | undefined} */ refreshTimer: undefined,
  /** @type {any} graphql-ws client of the current key */ ws: null,
  wsConnected: false,
  /** @type {(() => void) | null} */ unsubscribe: null,
  /** Only the current subscription may touch the page: an old one still completes after a complex switch. */
  feedSeq: 0,
};

/** An error made here rather than by the service: its text is the catalogue's for its code. */
const localError = (/** @type {string} */ code, /** @type {Record<string, unknown>} */ details = {}) => ({ message: '', extensions: { code, ...details } });

/**
 * POSTs one operation to /graphql with the current key; network and HTTP failures come back as GraphQL errors.
 * An UNAUTHENTICATED answer signs out and brings the key form back.
 * @returns {Promise<{ data?: any, errors?: GraphQLError[] }>}
 */
async function gql(/** @type {string} */ query, /** @type {Record<string, unknown>} */ variables = {}) {
  /** @type {{ data?: any, errors?: GraphQLError[] }} */
  let body;
  try {
    const response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(state.apiKey && { authorization: `Bearer ${state.apiKey}` }) },
      body: JSON.stringify({ query, variables }),
    });
    body = await response.json().catch(() => ({ errors: [localError('HTTP', { status: response.status })] }));
  } catch {
    body = { errors: [localError('NETWORK')] };
  }
  const unauthenticated = body.errors?.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
  if (unauthenticated && state.apiKey) signOut(unauthenticated);
  return body;
}

// ---- sign-in -------------------------------------------------------------------------------------

/** Fills the complex picker once (a bad key is refused even for public data, so only after sign-in). */
async function loadComplexes() {
  if (state.complexes.length) return;
  const { data, errors } = await gql(COMPLEXES);
  setNotice('complexes', errors);
  state.complexes = data?.complexes.edges.map((/** @type {{ node: Complex }} */ e) => e.node) ?? [];
  renderComplexOptions();
}

/** The catalogue's name for a code the service sent, or the code itself if the catalogue does not know it yet. */
const textOr = (/** @type {string} */ key, /** @type {string} */ code) => (hasText(key) ? t(key) : code);

/** A complex's or centre's name in the page's language. */
const nameOf = (/** @type {{ nameKo: string, nameEn: string }} */ named) => (language() === 'ko' ? named.nameKo : named.nameEn);

/** The complexes the viewer oversees: an operator only its own (any other would be refused), an admin all. */
const overseen = () => state.complexes.filter((c) => state.viewer?.role !== 'OPERATOR' || c.code === state.viewer.complex?.code);

function renderComplexOptions() {
  els.select.replaceChildren(...overseen().map((c) => new Option(nameOf(c), c.code)));
  if (state.complex) els.select.value = state.complex.code;
}

function renderViewer() {
  const viewer = state.viewer;
  els.viewer.textContent = viewer ? t('viewer', { name: viewer.name, role: textOr(`role.${viewer.role}`, viewer.role) }) : '';
  els.viewer.dataset.role = viewer?.role ?? '';
}

/** Checks the key with `viewer`, then opens the dashboard on the viewer's complex (admins: the first). */
async function signIn(/** @type {string} */ apiKey) {
  state.apiKey = apiKey;
  const { data, errors } = await gql(VIEWER);
  /** @type {Viewer | undefined} */
  const viewer = data?.viewer;
  if (!viewer) {
    if (!state.apiKey) return; // gql signed out already
    const error = errors?.[0] ?? localError('UNAUTHENTICATED');
    // A service that cannot answer (stopped, its database away) has not refused the key: a stored one is kept, not
    // forgotten at a reload, and tried again until the service answers.
    if (UNREACHABLE.has(String(error.extensions?.code)) && sessionStorage.getItem(KEY_STORAGE) === apiKey) {
      state.apiKey = null;
      showKeyForm(error);
      setTimeout(() => !state.apiKey && sessionStorage.getItem(KEY_STORAGE) === apiKey && void signIn(apiKey), RECONNECT_MAX_MS);
      return;
    }
    signOut(error);
    return;
  }
  // Its figures are what operators and admins may read: any other key would open on an empty, refused map.
  if (viewer.role !== 'OPERATOR' && viewer.role !== 'ADMIN') {
    signOut(localError('FORBIDDEN'));
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, apiKey);
  await loadComplexes();
  if (state.apiKey !== apiKey) return; // signed out meanwhile
  state.viewer = viewer;
  renderViewer();
  renderComplexOptions();
  for (const node of [els.viewer, els.signOut, els.picker, els.dashboard]) node.hidden = false;
  els.keyForm.hidden = true;
  const client = graphqlWs.createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`,
    connectionParams: { apiKey },
    // Keep the socket across a complex switch instead of closing and reopening it.
    lazyCloseTimeout: 2000,
    // 4403: the key was refused; retrying cannot help.
    shouldRetry: (/** @type {CloseEvent} */ event) => typeof event?.code === 'number' && event.code !== 4403,
    // A dashboard left open on a wall outlasts a restart of the service: it keeps trying, not five times.
    retryAttempts: Infinity,
    retryWait: (/** @type {number} */ retries) => new Promise((resolve) => setTimeout(resolve, Math.min(RECONNECT_MAX_MS, 1000 * 2 ** retries) + Math.random() * 1000)),
    on: {
      connected: (/** @type {unknown} */ _socket, /** @type {unknown} */ _payload, /** @type {boolean} */ wasRetry) => {
        if (client !== state.ws) return;
        state.wsConnected = true;
        if (state.unsubscribe) setLive('live');
        // What happened while the socket was down reached no feed: read the figures again. The client subscribes the
        // feed again, whose recent activity replaces the lines shown (nothing of the old socket comes after this).
        if (wasRetry) {
          scheduleRefresh();
          if (state.unsubscribe) {
            state.feed = [];
            renderFeed();
          }
        }
      },
      // The client retries a lost connection; a subscription it gives up on reports an error.
      closed: () => {
        if (client !== state.ws) return;
        state.wsConnected = false;
        setLive(state.unsubscribe ? 'connecting' : 'off');
      },
    },
  });
  state.ws = client;
  const own = overseen().find((c) => c.code === viewer.complex?.code) ?? overseen()[0];
  if (own) showComplex(own.code);
}

function signOut(/** @type {GraphQLError | null} */ reason = null) {
  stopFeed();
  state.ws?.dispose();
  state.ws = null;
  state.wsConnected = false;
  setLive('off');
  state.apiKey = null;
  state.viewer = null;
  state.complex = null;
  state.notices.clear();
  renderNotices();
  sessionStorage.removeItem(KEY_STORAGE);
  showKeyForm(reason);
}

function showKeyForm(/** @type {GraphQLError | null} */ reason = null) {
  for (const node of [els.viewer, els.signOut, els.picker, els.dashboard]) node.hidden = true;
  els.keyForm.hidden = false;
  state.keyError = reason;
  renderKeyError();
  els.keyInput.value = '';
  els.keyInput.focus();
}

function renderKeyError() {
  els.keyError.textContent = state.keyError ? errorText(state.keyError) : '';
  els.keyError.dataset.code = state.keyError?.extensions?.code ?? '';
  els.keyError.hidden = !state.keyError;
}

// ---- one complex ---------------------------------------------------------------------------------

/** Draws the complex's grid at once, then fetches its figures and follows its activity. */
function showComplex(/** @type {string} */ code) {
  state.complex = overseen().find((c) => c.code === code) ?? null;
  if (!state.complex) return;
  els.select.value = code;
  state.heat = [];
  state.warehouses = [];
  state.routes = [];
  state.routeId = null;
  renderRoutes();
  state.notices.delete('data');
  state.notices.delete('feed');
  renderNotices();
  renderMap();
  state.insights = null;
  renderKpis();
  state.feed = [];
  renderFeed();
  startFeed(code);
  void refresh();
}

/** Heatmap, KPIs and warehouses of the current complex in one request. */
async function refresh() {
  const complex = state.complex;
  if (!complex) return;
  const seq = ++state.refreshSeq;
  const now = Date.now();
  const firstMidnight = (Math.floor((now + SEOUL_OFFSET_MS) / DAY_MS) - (KPI_DAYS - 1)) * DAY_MS - SEOUL_OFFSET_MS;
  const period = { from: new Date(firstMidnight), to: new Date(now), updated: new Date(now) };
  const { data, errors } = await gql(COMPLEX_DATA, {
    code: complex.code,
    res: complex.serviceAreaResolution,
    layer: state.layer,
    from: period.from.toISOString(),
    // Up to tomorrow's Seoul midnight, as README's example: storage counts whole days, so an hour past now would
    // count tomorrow's in the day's last hour.
    to: new Date(firstMidnight + KPI_DAYS * DAY_MS).toISOString(),
  });
  if (seq !== state.refreshSeq || complex !== state.complex) return;
  setNotice('data', errors);
  // Nothing came back (the service is unreachable): the last figures stay up, with their time, under the notice.
  if (!data) return;
  state.heat = data?.heatmap?.cells ?? [];
  state.warehouses = data?.warehouseListings?.edges.map((/** @type {{ node: Warehouse }} */ e) => e.node) ?? [];
  state.routes = data?.routes?.edges.map((/** @type {{ node: Route }} */ e) => e.node) ?? [];
  renderRoutes();
  renderMap();
  state.insights = data?.complexInsights ?? null;
  state.period = period;
  renderKpis();
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refresh, REFRESH_DEBOUNCE_MS);
}

// ---- live feed -----------------------------------------------------------------------------------

/**
 * Follows `complexActivity` of one complex, which sends its recent activity first, oldest first: every line tops the
 * feed and refreshes the figures (debounced: the recent lines cost one read).
 */
function startFeed(/** @type {string} */ code) {
  stopFeed();
  const seq = ++state.feedSeq;
  const current = () => seq === state.feedSeq;
  // The service answered with errors (another complex's feed, refused): the socket is fine, the feed is not coming.
  let refused = false;
  state.unsubscribe = state.ws.subscribe(
    { query: ACTIVITY, variables: { code, recent: FEED_LIMIT } },
    {
      next: (/** @type {{ data?: { complexActivity: Activity }, errors?: GraphQLError[] }} */ result) => {
        if (!current()) return;
        if (result.errors) {
          refused = true;
          return setNotice('feed', result.errors);
        }
        if (!result.data) return;
        state.feed = [result.data.complexActivity, ...state.feed].slice(0, FEED_LIMIT);
        renderFeed();
        scheduleRefresh();
      },
      error: (/** @type {unknown} */ error) => {
        if (!current()) return;
        state.unsubscribe = null;
        setLive(Array.isArray(error) ? 'refused' : 'off');
        const errors = feedErrors(error);
        if (errors[0]?.extensions?.code === 'UNAUTHENTICATED') signOut(errors[0]);
        else setNotice('feed', errors);
      },
      complete: () => {
        if (!current()) return;
        state.unsubscribe = null;
        setLive(refused ? 'refused' : 'off');
      },
    },
  );
  setLive(state.wsConnected ? 'live' : 'connecting');
}

function stopFeed() {
  state.feedSeq++;
  state.unsubscribe?.();
  state.unsubscribe = null;
  clearTimeout(state.refreshTimer);
}

/**
 * What graphql-ws reports when a subscription fails: GraphQL errors (e.g. FORBIDDEN), or the socket's close
 * event (4403: the key was refused when connecting).
 * @returns {GraphQLError[]}
 */
function feedErrors(/** @type {unknown} */ error) {
  if (Array.isArray(error)) return error;
  if (error && typeof error === 'object' && 'code' in error) {
    const close = /** @type {CloseEvent} */ (error);
    if (close.code === 4403) return [localError('UNAUTHENTICATED')];
    return [{ message: close.reason, extensions: { code: 'FEED_CLOSED', closeCode: close.code } }];
  }
  return [localError('NETWORK')];
}

/**
 * One line per activity: Korean time, what happened (from the catalogue; an unknown kind as it came) and the
 * service's one-line summary in the page's language (the service writes each line in both).
 */
function renderFeed() {
  els.feed.replaceChildren(
    ...state.feed.map((activity) => {
      const item = el('li', { class: `entry ${kindFamily(activity.kind)}`, 'data-kind': activity.kind });
      const at = new Date(activity.at);
      const time = el('time', { datetime: activity.at, title: fmt.dateTime(at) });
      // A line of an earlier day (the recent activity the feed opens with) says which day.
      time.textContent = seoulDayOf(at) === seoulDayOf(new Date()) ? fmt.time(at) : fmt.planned(at);
      const kind = el('span', { class: 'kind' });
      kind.textContent = textOr(`kind.${activity.kind}`, activity.kind);
      const korean = language() === 'ko';
      const summary = el('span', { class: 'summary', lang: korean ? 'ko' : 'en' });
      summary.append(...withUnbrokenDates(korean ? activity.summaryKo : activity.summary));
      item.append(time, kind, summary);
      return item;
    }),
  );
  els.feedEmpty.hidden = state.feed.length > 0;
}

/** A date or time in a line (`12-09 09:00`, `2026-11-24`): a browser would break a line at its hyphen. */
const DATE_IN_TEXT = /\d{2,4}(?:-\d{2})+(?: \d{2}:\d{2})?/g;

/** `text` as nodes, each date and time in it kept on one line. */
function withUnbrokenDates(/** @type {string} */ text) {
  /** @type {(Node | string)[]} */
  const parts = [];
  let last = 0;
  for (const found of text.matchAll(DATE_IN_TEXT)) {
    const date = el('span', { class: 'nowrap' });
    date.textContent = found[0];
    parts.push(text.slice(last, found.index), date);
    last = (found.index ?? 0) + found[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** The Asia/Seoul calendar day of `d`, as a day number. */
const seoulDayOf = (/** @type {Date} */ d) => Math.floor((d.getTime() + SEOUL_OFFSET_MS) / DAY_MS);

/** Colour family of an activity kind, by its prefix (REQUEST_POSTED → request). */
function kindFamily(/** @type {string} */ kind) {
  const prefix = kind.split('_')[0];
  return { BOOKING: 'booking', REQUEST: 'request', MATCHING: 'matching', OFFER: 'matching', SHIPMENT: 'shipment' }[prefix ?? ''] ?? 'supply';
}

function setLive(/** @type {'live' | 'connecting' | 'off' | 'refused'} */ live) {
  state.live = live;
  renderLive();
}

function renderLive() {
  els.live.dataset.state = state.live;
  els.live.textContent = t(`live.${state.live}`);
}

// ---- notices -------------------------------------------------------------------------------------

function setNotice(/** @type {string} */ source, /** @type {GraphQLError[] | undefined} */ errors) {
  if (errors?.length) state.notices.set(source, errors);
  else state.notices.delete(source);
  renderNotices();
}

/** What an error means to the reader, by its code; codes the catalogue does not know get a general line. */
function errorText(/** @type {GraphQLError} */ error) {
  const key = `error.${error.extensions?.code ?? 'ERROR'}`;
  return t(hasText(key) ? key : 'error.ERROR', /** @type {Record<string, string | number>} */ (error.extensions ?? {}));
}

/**
 * One line per distinct error: its code, what it means in the page's language and, underneath, the service's
 * own message (in English, and the one place that names the exact cause).
 */
function renderNotices() {
  const lines = new Map();
  for (const error of [...state.notices.values()].flat()) lines.set(`${error.extensions?.code}: ${error.message}`, error);
  els.notices.replaceChildren(
    ...[...lines.values()].map((error) => {
      const code = error.extensions?.code ?? 'ERROR';
      const p = el('p', { class: 'notice', 'data-code': code });
      const badge = el('strong');
      badge.textContent = code;
      const text = el('span', { class: 'text' });
      text.textContent = errorText(error);
      p.append(badge, text);
      if (error.message) {
        const detail = el('span', { class: 'detail', lang: 'en' });
        detail.textContent = error.message;
        p.append(detail);
      }
      return p;
    }),
  );
}

// ---- KPIs ----------------------------------------------------------------------------------------

/**
 * Fills the KPI panel from the last insights: each figure with, where there is one, its baseline or base
 * underneath. A figure without a denominator (nothing served, nothing listed) shows "—", as does a null one.
 */
function renderKpis() {
  const insights = state.insights;
  /** @type {Record<string, [string, string?] | null>} */
  let values = {};
  if (insights) {
    const { storage: s, requests: r, transport: tr, trips } = insights;
    const km = tr.deadheadKm + tr.loadedKm;
    const n = fmt.number;
    const baseline = (/** @type {string} */ value) => t('kpi.baseline', { value });
    values = {
      savings: tr.baselineCostKrw > 0 ? [fmt.percent(tr.savingsPct), t(tr.savingsPct < 0 ? 'kpi.savings.worse' : 'kpi.savings.better')] : null,
      cost: tr.baselineCostKrw > 0 ? [fmt.krw(tr.costKrw), baseline(fmt.krw(tr.baselineCostKrw))] : null,
      emptyKm: km > 0 ? [fmt.percent(tr.emptyKmSharePct), baseline(fmt.percent(tr.baselineEmptyKmSharePct))] : null,
      co2: tr.baselineCo2Kg > 0 ? [fmt.kg(tr.co2Kg), baseline(fmt.kg(tr.baselineCo2Kg))] : null,
      utilisation: s.idlePalletDays > 0 ? [fmt.percent(s.utilisationPct), t('kpi.utilisation.detail', { booked: n(s.bookedPalletDays), count: s.idlePalletDays })] : null,
      requests: [[r.posted, r.served, r.expired].map(n).join(' / ')],
      served: r.posted > 0 ? [fmt.percent(r.servedPct), [t('kpi.served.detail', { waiting: n(r.waiting), cancelled: n(r.cancelled) }), ...unmatchedText(insights.unmatched)].join(' · ')] : null,
      medianToBooking: r.medianMinutesToBooking === null ? null : [fmt.duration(r.medianMinutesToBooking)],
      consolidation: r.served > 0 ? [fmt.percent(r.consolidationRatePct), t('kpi.consolidation.detail', { consolidated: n(r.consolidated), served: n(r.served) })] : null,
      requestsPerTrip: trips.trips > 0 ? [n(trips.requestsPerTrip), t('kpi.requestsPerTrip.detail', { trips: n(trips.trips) })] : null,
      loadFactor: trips.trips > 0 ? [fmt.percent(trips.loadFactorPalletsKmPct), t('kpi.loadFactor.detail', { kg: fmt.percent(trips.loadFactorKgKmPct) })] : null,
    };
  }
  const period = insights && state.period;
  els.kpiPeriod.textContent = period ? fmt.dayRange(period.from, period.to) : '';
  els.kpiUpdated.textContent = period ? t('kpi.updated', { time: fmt.time(period.updated) }) : '';
  if (period) els.kpiUpdated.setAttribute('datetime', period.updated.toISOString());
  else els.kpiUpdated.removeAttribute('datetime');
  for (const dd of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('dd[data-kpi]'))) {
    const name = dd.dataset.kpi ?? '';
    const [main, sub] = values[name] ?? [t('kpi.none')];
    dd.textContent = main;
    dd.classList.toggle('worse', name === 'savings' && insights?.transport.savingsPct < 0);
    const detail = /** @type {HTMLElement} */ (dd.nextElementSibling);
    detail.textContent = sub ?? '';
  }
}

/**
 * Why the waiting requests got no offer, the three most frequent reasons: [] when none is waiting unmatched.
 * @param {{ reason: string | null, count: number }[]} unmatched most first, as the service sends them
 */
function unmatchedText(unmatched) {
  if (unmatched.length === 0) return [];
  const reasons = unmatched.slice(0, 3).map((u) => `${t(`unmatched.${u.reason ?? 'NONE'}`)} ${fmt.number(u.count)}`).join(', ');
  return [t('kpi.served.unmatched', { reasons })];
}

// ---- routes --------------------------------------------------------------------------------------

/**
 * The latest routes, one button each: pressing one draws it on the map, pressing it again clears it. An extension of a
 * booked route says so: its stops are the whole route's, its price only what the joining loads add.
 */
function renderRoutes() {
  els.routes.replaceChildren(
    ...state.routes.map((route) => {
      const item = el('li');
      const button = el('button', { type: 'button', class: 'route', 'data-route': route.id, 'data-status': route.status, 'aria-pressed': String(route.id === state.routeId) });
      if (route.extendsRouteId) button.dataset.extends = route.extendsRouteId;
      const parts = {
        time: fmt.planned(new Date(route.startAt)),
        count: route.stopPlaces,
        loads: t('routes.loads', { requests: t('routes.requests', { count: new Set(route.stops.map((s) => s.requestId)).size }), shippers: t('routes.shippers', { count: route.sharedBy }) }),
        price: fmt.krw(route.priceKrw),
        status: textOr(`routes.status.${route.status}`, route.status),
      };
      // A route its shippers emptied (cancelled, given back) keeps no stop, load or price: its start and status say it.
      if (route.stops.length === 0) button.textContent = t('routes.emptied', parts);
      else button.textContent = route.extendsRouteId ? t('routes.extension', parts) : t('routes.item', parts);
      button.addEventListener('click', () => {
        state.routeId = state.routeId === route.id ? null : route.id;
        renderRoutes();
        renderMap();
      });
      item.append(button);
      return item;
    }),
  );
  els.routesEmpty.hidden = state.routes.length > 0;
}

/**
 * The selected route over the map: a line through its stops in driving order, each stop numbered, with the load on
 * board after it (kg / pallets) beside it. Stops close together (pickups at one gate, drops by the centre) are laid
 * out so that no number or load hides another or the centre (route-layout.js). Returns the layer and the points its
 * drawing reaches, which the map's frame takes in.
 */
function routeLayer(
  /** @type {Route} */ route,
  /** @type {(lat: number, lng: number) => [number, number]} */ project,
  /** @type {{ centre: [number, number], warehouses: [number, number][] }} */ landmarks,
  /** @type {number} */ size,
) {
  const points = route.stops.map((s) => project(s.location.lat, s.location.lng));
  const loads = route.stops.map((stop) => t('map.stopLoad', { kg: fmt.kg(stop.kgAfter), count: stop.palletsAfter }));
  const fontSize = size * 1.1;
  const layout = layoutStops(
    points.map(([x, y], i) => ({ x, y, labelWidth: textWidth(/** @type {string} */ (loads[i]), fontSize) })),
    { x: landmarks.centre[0], y: landmarks.centre[1] },
    landmarks.warehouses.map(([x, y]) => ({ x, y })),
    size,
  );
  // Through the markers where they are drawn: a stop moved off the centre or another stop keeps its line.
  const line = svg('polyline', { class: 'route-line', points: layout.map(({ marker: { x, y } }) => `${x.toFixed(2)},${y.toFixed(2)}`).join(' '), 'stroke-width': size * 0.35 });
  // The drawing's extent: the map fits it, so that a load written beyond the outermost stop is not cut at the edge.
  const extent = layout.flatMap(({ marker: { x, y }, box }) => [[x - size * 1.1, y - size * 1.1], [x + size * 1.1, y + size * 1.1], [box.left, box.top], [box.right, box.bottom]]);
  const stops = route.stops.map((stop, i) => {
    const { marker, label } = /** @type {typeof layout[0]} */ (layout[i]);
    const load = /** @type {string} */ (loads[i]);
    const group = svg('g', { class: `stop ${stop.action.toLowerCase()}`, 'data-seq': stop.seq }, [
      svg('circle', { cx: marker.x, cy: marker.y, r: size * 1.1 }),
      Object.assign(svg('text', { x: marker.x, y: marker.y, 'font-size': size * 1.3, 'text-anchor': 'middle', 'dominant-baseline': 'central' }), { textContent: String(stop.seq) }),
      Object.assign(svg('text', { class: 'load', x: label.x, y: label.y, 'font-size': fontSize, 'text-anchor': label.anchor, 'dominant-baseline': 'central' }), { textContent: load }),
    ]);
    const action = t(`map.stopAction.${stop.action}`);
    group.append(title(t('map.stopTip', { seq: stop.seq, action, time: fmt.planned(new Date(stop.arriveAt)), load })));
    return group;
  });
  return { layer: svg('g', { class: 'route-layer' }, [line, ...stops]), extent: /** @type {[number, number][]} */ (extent) };
}

// ---- map -----------------------------------------------------------------------------------------

/**
 * Redraws the map of the current complex: its service-area cells, the heatmap cells (also those outside the
 * service area), the centre and the warehouses, in an equirectangular projection around the centroid.
 */
function renderMap() {
  const complex = state.complex;
  if (!complex) return;
  const { lat: lat0, lng: lng0 } = complex.centroid;
  const xScale = Math.cos((lat0 * Math.PI) / 180) * UNITS_PER_DEGREE;
  /** @returns {[number, number]} */
  const project = (/** @type {number} */ lat, /** @type {number} */ lng) => [(lng - lng0) * xScale, (lat0 - lat) * UNITS_PER_DEGREE];
  const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const include = (/** @type {[number, number]} */ [x, y]) => {
    bounds.minX = Math.min(bounds.minX, x);
    bounds.maxX = Math.max(bounds.maxX, x);
    bounds.minY = Math.min(bounds.minY, y);
    bounds.maxY = Math.max(bounds.maxY, y);
  };
  const hexagon = (/** @type {string} */ cell, /** @type {Record<string, string>} */ attrs, /** @type {string} */ tooltip) => {
    const corners = h3.cellToBoundary(cell).map((/** @type {[number, number]} */ [lat, lng]) => project(lat, lng));
    corners.forEach(include);
    const polygon = svg('polygon', { ...attrs, points: corners.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).join(' '), 'data-cell': cell });
    polygon.append(title(tooltip));
    return polygon;
  };

  const area = new Set(complex.serviceAreaCells);
  const base = svg('g', { class: 'base' }, complex.serviceAreaCells.map((cell) => hexagon(cell, { class: 'area-cell' }, t(`map.areaTip.${state.layer}`, { cell }))));
  const near = state.heat.filter((c) => h3.greatCircleDistance(h3.cellToLatLng(c.cell), [lat0, lng0], 'km') <= MAP_REACH_KM);
  const beyond = state.heat.length - near.length;
  els.mapBeyond.hidden = beyond === 0;
  els.mapBeyond.textContent = beyond === 0 ? '' : t('map.beyond', { count: beyond, km: fmt.number(MAP_REACH_KM) });
  const maxPallets = Math.max(1, ...near.map((c) => c.pallets));
  const [light, dark] = SCALES[state.layer];
  const heat = svg(
    'g',
    { class: 'heat' },
    near.map((c) =>
      hexagon(
        c.cell,
        { class: `heat-cell${area.has(c.cell) ? '' : ' outside'}`, fill: mix(light, dark, Math.sqrt(c.pallets / maxPallets)) },
        t(`map.heatTip.${state.layer}`, { cell: c.cell, count: fmt.number(c.count), pallets: fmt.number(c.pallets) }),
      ),
    ),
  );

  // Markers are sized against the whole drawing, so they are placed once the cells have set the bounds.
  const centre = project(complex.centre.location.lat, complex.centre.location.lng);
  const warehouses = state.warehouses.map((w) => ({ w, at: project(w.location.lat, w.location.lng) }));
  include(centre);
  warehouses.forEach(({ at }) => include(at));
  const route = state.routes.find((r) => r.id === state.routeId);
  route?.stops.forEach((s) => include(project(s.location.lat, s.location.lng)));
  const pad = Math.max(bounds.maxX - bounds.minX, bounds.maxY - bounds.minY) * 0.04 || 10;
  const size = Math.max(bounds.maxX - bounds.minX, bounds.maxY - bounds.minY) / 70 || 2;

  const markers = svg('g', { class: 'markers' }, [
    ...warehouses.map(({ w, at: [x, y] }) => {
      const square = svg('rect', { class: 'warehouse', x: x - size * 0.7, y: y - size * 0.7, width: size * 1.4, height: size * 1.4, rx: size * 0.2 });
      const storageClass = textOr(`storageClass.${w.storageClass}`, w.storageClass);
      square.append(title(t('map.warehouseTip', { name: w.name, storageClass, count: w.totalPallets })));
      return square;
    }),
    (() => {
      const [x, y] = centre;
      const star = svg('polygon', { class: 'centre', points: starPoints(x, y, size * 1.9, size * 0.8) });
      star.append(title(t('map.centreTip', { name: nameOf(complex.centre) })));
      return star;
    })(),
  ]);

  const drawn = route ? routeLayer(route, project, { centre, warehouses: warehouses.map(({ at }) => at) }, size) : null;
  drawn?.extent.forEach(include);
  els.map.setAttribute('viewBox', [bounds.minX - pad, bounds.minY - pad, bounds.maxX - bounds.minX + 2 * pad, bounds.maxY - bounds.minY + 2 * pad].map((n) => n.toFixed(2)).join(' '));
  const label = { complex: nameOf(complex), areaCells: t('map.cells', { count: complex.serviceAreaCells.length }), heatCells: t('map.cells', { count: near.length }), layer: t(`map.layer.${state.layer}`) };
  els.map.setAttribute('aria-label', t('map.labelOf', label));
  els.map.replaceChildren(base, heat, markers, ...(drawn ? [drawn.layer] : []));
  renderLegend(maxPallets, light, dark);
}

/** Gradient from 0 to the largest cell's pallets (square-root scale, as on the map). */
function renderLegend(/** @type {number} */ maxPallets, /** @type {string} */ light, /** @type {string} */ dark) {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => svg('stop', { offset: `${t * 100}%`, 'stop-color': mix(light, dark, t) }));
  const label = (/** @type {string} */ text, /** @type {number} */ x, /** @type {string} */ anchor) => {
    const t = svg('text', { x, y: 32, 'text-anchor': anchor });
    t.textContent = text;
    return t;
  };
  const caption = svg('text', { x: 0, y: 10 });
  caption.textContent = t(`map.legend.${state.layer}`);
  els.legend.replaceChildren(
    svg('defs', {}, [svg('linearGradient', { id: 'scale' }, stops)]),
    caption,
    svg('rect', { x: 0, y: 14, width: 220, height: 8, rx: 2, fill: 'url(#scale)' }),
    label(fmt.number(0), 0, 'start'),
    label(fmt.number(state.heat.length ? maxPallets : 0), 220, 'end'),
  );
}

/** Points of a five-pointed star centred on (x, y). */
function starPoints(/** @type {number} */ x, /** @type {number} */ y, /** @type {number} */ outer, /** @type {number} */ inner) {
  return Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 ? inner : outer;
    const a = (Math.PI / 5) * i - Math.PI / 2;
    return `${(x + r * Math.cos(a)).toFixed(2)},${(y + r * Math.sin(a)).toFixed(2)}`;
  }).join(' ');
}

/** Linear mix of two #rrggbb colours, t from 0 (a) to 1 (b). */
function mix(/** @type {string} */ a, /** @type {string} */ b, /** @type {number} */ t) {
  const channel = (/** @type {string} */ hex, /** @type {number} */ i) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `rgb(${[0, 1, 2].map((i) => Math.round(channel(a, i) + (channel(b, i) - channel(a, i)) * t)).join(',')})`;
}

// ---- DOM helpers ---------------------------------------------------------------------------------

/** An HTML element with attributes. */
function el(/** @type {string} */ tag, /** @type {Record<string, string>} */ attrs = {}) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** An SVG element with attributes and children. */
function svg(/** @type {string} */ tag, /** @type {Record<string, string | number>} */ attrs = {}, /** @type {Node[]} */ children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

function title(/** @type {string} */ text) {
  const t = svg('title');
  t.textContent = text;
  return t;
}

// ---- wiring --------------------------------------------------------------------------------------

els.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = els.keyInput.value.trim();
  // The form that held the focus is hidden once signed in: hand the focus on to the first control of the page.
  if (key) void signIn(key).then(() => els.dashboard.hidden || els.select.focus());
});
els.signOut.addEventListener('click', () => signOut());
els.select.addEventListener('change', () => showComplex(els.select.value));
for (const radio of document.querySelectorAll('input[name="layer"]')) {
  radio.addEventListener('change', (event) => {
    state.layer = /** @type {'SUPPLY' | 'DEMAND'} */ (/** @type {HTMLInputElement} */ (event.target).value);
    state.heat = [];
    renderMap();
    void refresh();
  });
}

for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button[data-lang]'))) {
  button.addEventListener('click', () => {
    setLanguage(/** @type {'ko' | 'en'} */ (button.dataset.lang));
    renderText();
  });
}

/** Everything drawn with words or formatted figures, drawn again in the current language. */
function renderText() {
  translatePage();
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button[data-lang]'))) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === language()));
  }
  renderComplexOptions();
  renderViewer();
  renderKeyError();
  renderNotices();
  renderLive();
  renderRoutes();
  renderMap();
  renderKpis();
  renderFeed();
}

renderText();
if (state.apiKey) void signIn(state.apiKey);
else showKeyForm();
