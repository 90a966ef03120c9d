import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ORGANISATION_ROLES, TRACKING_EVENT_KINDS } from '../../db/schema';
import { STORAGE_CLASSES } from '../../db/schema/enums';
import { ACTIVITY_KINDS } from '../../src/pubsub';

const PUBLIC = fileURLToPath(new URL('../../src/dashboard/public/', import.meta.url));
const SCRIPTS = ['app.js', 'i18n.js'];

/** A text, or its forms by plural category (`{ one, other }`) when it is about a number. */
type Text = string | Record<string, string>;
type Catalogue = Record<string, Text>;
const catalogue = async (lang: 'ko' | 'en'): Promise<Catalogue> => (await import(pathToFileURL(`${PUBLIC}i18n/${lang}.js`).href)).default;
const [ko, en] = await Promise.all([catalogue('ko'), catalogue('en')]);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const forms = (text: Text) => (typeof text === 'string' ? [text] : Object.values(text));

/** Every string literal and every literal part of a template in a script, with its line. */
function literals(file: string): { text: string; line: number; node: ts.Node }[] {
  const source = ts.createSourceFile(file, readFileSync(PUBLIC + file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: { text: string; line: number; node: ts.Node }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push({ text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Keys a script asks `t`, `hasText` or `textOr` for: whole keys, and the fixed start of keys built from a template. */
function requestedKeys(file: string): { keys: string[]; prefixes: string[] } {
  const keys: string[] = [];
  const prefixes: string[] = [];
  for (const { node } of literals(file)) {
    let call = node.parent;
    if (ts.isTemplateHead(node)) call = node.parent.parent; // head → template expression → call
    if (!call || !ts.isCallExpression(call) || call.arguments[0] !== (ts.isTemplateHead(node) ? node.parent : node)) continue;
    if (!['t', 'hasText', 'textOr'].includes(call.expression.getText())) continue;
    if (ts.isTemplateHead(node)) prefixes.push(node.text);
    else keys.push((node as ts.StringLiteral).text);
  }
  return { keys, prefixes };
}

describe('dashboard catalogues', () => {
  it('have the same keys in Korean and English, each text filled and with the same placeholders', () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(ko)) {
      const expected = placeholders(forms(text)[0]!);
      for (const [lang, form] of [...forms(text).map((f) => ['ko', f]), ...forms(en[key]!).map((f) => ['en', f])]) {
        expect(form!.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(form!), `${lang} ${key}`).toEqual(expected);
      }
    }
  });

  it('give a text about a number every plural form of its language, each showing {count}', () => {
    for (const [lang, catalogue, locale] of [['ko', ko, 'ko-KR'], ['en', en, 'en-GB']] as const) {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const [key, text] of Object.entries(catalogue).filter(([, text]) => typeof text !== 'string')) {
        expect(Object.keys(text).sort(), `${lang} ${key}`).toEqual([...categories].sort());
        for (const form of forms(text)) expect(form, `${lang} ${key}`).toContain('{count}');
      }
    }
    // A plain English text puts no number before a plural noun ("1 loads"): such a text needs its forms.
    const countedNouns = Object.entries(en).filter(([, text]) => typeof text === 'string' && /\{\w+\}( [a-z-]+)? [a-z-]+s\b/.test(text));
    expect(countedNouns).toEqual([]);
  });

  it('name every role, storage class, shipment step and activity the service can send', () => {
    const expected = [
      ...ORGANISATION_ROLES.map((r) => `role.${r}`),
      ...STORAGE_CLASSES.map((c) => `storageClass.${c}`),
      // IN_TRANSIT position updates are not published to the feed.
      ...TRACKING_EVENT_KINDS.filter((k) => k !== 'IN_TRANSIT').map((k) => `kind.SHIPMENT_${k}`),
      ...ACTIVITY_KINDS.map((k) => `kind.${k}`),
    ];
    expect(expected.filter((key) => !(key in ko))).toEqual([]);
  });

  it('speak Korean in the Korean catalogue', () => {
    const withHangul = Object.values(ko).filter((text) => forms(text).every((form) => /[가-힣]/.test(form)));
    expect(withHangul.length / Object.keys(ko).length).toBeGreaterThan(0.8);
    expect(ko['kpi.emptyKm']).toBe('공차율');
    expect(ko['map.key.centre']).toBe('공동물류센터');
  });
});

describe('dashboard page and scripts', () => {
  const html = readFileSync(`${PUBLIC}index.html`, 'utf8').replace(/<!--[\s\S]*?-->/g, '');

  it('index.html writes no text of its own: every text and label comes from a data-i18n key of the catalogue', () => {
    const texts = [...html.matchAll(/>([^<]*)</g)].map((m) => m[1]!.trim()).filter(Boolean);
    expect(texts).toEqual([]);
    expect(html.match(/\s(title|aria-label|placeholder|alt)="[^"]*"/g) ?? []).toEqual([]);
    const keys = [...html.matchAll(/\sdata-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((key) => !(key in ko))).toEqual([]);
  });

  it.each([...SCRIPTS, 'route-layout.js'])('%s holds no user-facing words: no Hangul and no phrase outside the GraphQL documents', (file) => {
    const prose = literals(file)
      .filter(({ text }) => !/^\s*(\{|query\b|subscription\b|mutation\b)/.test(text))
      .filter(({ text }) => /[가-힣]/.test(text) || /\p{L}{2,}\s+\p{L}{2,}/u.test(text))
      .map(({ text, line }) => `${file}:${line} ${JSON.stringify(text)}`);
    expect(prose).toEqual([]);
  });

  it.each(SCRIPTS)('%s asks only for keys the catalogue has', (file) => {
    const { keys, prefixes } = requestedKeys(file);
    expect(keys.length + prefixes.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !(key in ko))).toEqual([]);
    expect(prefixes.filter((prefix) => !Object.keys(ko).some((key) => key.startsWith(prefix)))).toEqual([]);
  });
});

describe('t', () => {
  afterAll(() => vi.unstubAllGlobals());

  it('takes the English singular for one, the plural for any other count, formatted, and the one Korean form', async () => {
    const stored = new Map([['sandan.lang', 'en']]);
    vi.stubGlobal('localStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) });
    vi.stubGlobal('document', { documentElement: {}, querySelectorAll: () => [] });
    const { t, setLanguage } = await import(pathToFileURL(`${PUBLIC}i18n.js`).href);
    const loads = (requests: number, shippers: number) => t('routes.loads', { requests: t('routes.requests', { count: requests }), shippers: t('routes.shippers', { count: shippers }) });

    expect(loads(1, 1)).toBe('1 load of 1 shipper');
    expect(loads(3, 2)).toBe('3 loads of 2 shippers');
    expect(t('map.stopLoad', { kg: '0 kg', count: 0 })).toBe('0 kg / 0 pallets');
    expect(t('map.stopLoad', { kg: '400 kg', count: 1 })).toBe('400 kg / 1 pallet');
    expect(t('kpi.utilisation.detail', { booked: '12', count: 1200 })).toBe('12 of 1,200 idle pallet-days booked');
    setLanguage('ko');
    expect(loads(1, 1)).toBe('화물 1건 · 화주 1곳');
    expect(t('routes.requests', { count: 1200 })).toBe('화물 1,200건');
  });
});
