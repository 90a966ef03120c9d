import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ORGANISATION_ROLES, TRACKING_EVENT_KINDS } from '../../db/schema';
import { STORAGE_CLASSES } from '../../db/schema/enums';
import { ACTIVITY_KINDS } from '../../src/pubsub';

const PUBLIC = fileURLToPath(new URL('../../src/dashboard/public/', import.meta.url));
const SCRIPTS = ['app.js', 'i18n.js'];

type Catalogue = Record<string, string>;
const catalogue = async (lang: 'ko' | 'en'): Promise<Catalogue> => (await import(pathToFileURL(`${PUBLIC}i18n/${lang}.js`).href)).default;
const [ko, en] = await Promise.all([catalogue('ko'), catalogue('en')]);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

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
      expect(text.trim(), `ko ${key}`).not.toBe('');
      expect(en[key]!.trim(), `en ${key}`).not.toBe('');
      expect(placeholders(en[key]!), key).toEqual(placeholders(text));
    }
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
    const withHangul = Object.values(ko).filter((text) => /[가-힣]/.test(text));
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

  it.each(SCRIPTS)('%s holds no user-facing words: no Hangul and no phrase outside the GraphQL documents', (file) => {
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
