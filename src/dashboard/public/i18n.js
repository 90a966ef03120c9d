/**
 * The dashboard's languages: Korean by default, English on request (remembered in localStorage). Every
 * user-visible string comes from a catalogue (i18n/ko.js, i18n/en.js); numbers, money, dates and times
 * are formatted by Intl for the language's locale, always in Korean time whatever the browser's zone.
 */
import en from './i18n/en.js';
import ko from './i18n/ko.js';

/** @typedef {'ko' | 'en'} Language */

/**
 * A text, or one form per plural category of the language (English `one` and `other`) for a text about a number.
 * @typedef {string | Partial<Record<Intl.LDMLPluralRule, string>>} Text
 */

/** @type {Record<Language, Record<string, Text>>} */
const CATALOGUES = { ko, en };
/** @type {Record<Language, string>} */
const LOCALES = { ko: 'ko-KR', en: 'en-GB' };
/** @type {Language} */
const DEFAULT_LANGUAGE = 'ko';
const LANGUAGE_STORAGE = 'sandan.lang';
/** The complexes are in Korea: their operators read Korean time, also when the browser runs elsewhere. */
const TIME_ZONE = 'Asia/Seoul';

const stored = localStorage.getItem(LANGUAGE_STORAGE);
/** @type {Language} */
let current = stored === 'ko' || stored === 'en' ? stored : DEFAULT_LANGUAGE;
/** Formatters of the current language. */
export let fmt = formatters(LOCALES[current]);
let plurals = new Intl.PluralRules(LOCALES[current]);

export const language = () => current;

/**
 * The catalogue's text for `key` with its `{name}` placeholders filled. A number `count` shows formatted and, in a
 * text with plural forms, picks the form the language's rules give it. A missing key shows itself rather than
 * nothing, so that it is noticed (the unit test keeps both catalogues complete).
 */
export function t(/** @type {string} */ key, /** @type {Record<string, string | number>} */ params = {}) {
  const entry = CATALOGUES[current][key] ?? key;
  const { count } = params;
  const text = typeof entry === 'string' ? entry : (entry[plurals.select(Number(count))] ?? entry.other ?? key);
  if (typeof count === 'number') params = { ...params, count: fmt.number(count) };
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export const hasText = (/** @type {string} */ key) => key in CATALOGUES[current];

/** Switches language, remembers it, sets `<html lang>` and refills the page's static text. */
export function setLanguage(/** @type {Language} */ next) {
  current = next;
  localStorage.setItem(LANGUAGE_STORAGE, next);
  fmt = formatters(LOCALES[next]);
  plurals = new Intl.PluralRules(LOCALES[next]);
  translatePage();
}

/**
 * Fills the static page from its attributes: `data-i18n` sets the text, `data-i18n-<attribute>` sets that
 * attribute (aria-label, placeholder, title).
 */
export function translatePage() {
  document.documentElement.lang = current;
  for (const node of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-i18n]'))) {
    node.textContent = t(node.dataset.i18n ?? '');
  }
  for (const attribute of ['aria-label', 'placeholder', 'title']) {
    for (const node of document.querySelectorAll(`[data-i18n-${attribute}]`)) {
      node.setAttribute(attribute, t(node.getAttribute(`data-i18n-${attribute}`) ?? ''));
    }
  }
}

function formatters(/** @type {string} */ locale) {
  const zone = { timeZone: TIME_ZONE };
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const krw = new Intl.NumberFormat(locale, { style: 'currency', currency: 'KRW', maximumFractionDigits: 0 });
  const unit = (/** @type {string} */ name) => new Intl.NumberFormat(locale, { style: 'unit', unit: name, maximumFractionDigits: 1 });
  const [kg, minutes, hours, days] = ['kilogram', 'minute', 'hour', 'day'].map(unit);
  const time = new Intl.DateTimeFormat(locale, { ...zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const dateTime = new Intl.DateTimeFormat(locale, { ...zone, dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' });
  const day = new Intl.DateTimeFormat(locale, { ...zone, month: 'short', day: 'numeric', weekday: 'short' });
  const planned = new Intl.DateTimeFormat(locale, { ...zone, month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return {
    number: (/** @type {number} */ n) => number.format(n),
    /** The service gives percentages (12.5), Intl wants fractions (0.125). */
    percent: (/** @type {number} */ pct) => percent.format(pct / 100),
    krw: (/** @type {number} */ n) => krw.format(n),
    kg: (/** @type {number} */ n) => kg.format(n),
    /** Rounded to the unit a reader wants: minutes, hours up to two days, then days. */
    duration(/** @type {number} */ m) {
      if (m < 1) return t('duration.underMinute');
      if (m < 60) return minutes.format(m);
      if (m < 48 * 60) return hours.format(m / 60);
      return days.format(m / 1440);
    },
    time: (/** @type {Date} */ d) => time.format(d),
    dateTime: (/** @type {Date} */ d) => dateTime.format(d),
    /** A route's or a stop's time: a dispatcher reads the weekday and the minute (12월 7일 (월) 15:56), not the second. */
    planned: (/** @type {Date} */ d) => planned.format(d),
    dayRange: (/** @type {Date} */ from, /** @type {Date} */ to) => day.formatRange(from, to),
  };
}
