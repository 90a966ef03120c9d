import { parseValue } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isoString, Krw, parseDateTime } from '../../graph/resolvers/scalars';

describe('DateTime', () => {
  it.each([
    ['2026-11-21T09:30:00Z', '2026-11-21T09:30:00.000Z'],
    ['2026-11-21T18:30:00+09:00', '2026-11-21T09:30:00.000Z'],
    ['2026-11-21T05:00:00-04:30', '2026-11-21T09:30:00.000Z'],
    ['2026-11-21t09:30:00z', '2026-11-21T09:30:00.000Z'],
    ['2026-11-21T09:30:00.5Z', '2026-11-21T09:30:00.500Z'],
    ['2026-11-21T09:30:00.123987654Z', '2026-11-21T09:30:00.123Z'],
    ['2028-02-29T23:59:59+00:00', '2028-02-29T23:59:59.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59+09:00', '9999-12-31T14:59:59.000Z'],
    ['2026-01-01T00:30:00+09:00', '2025-12-31T15:30:00.000Z'],
  ])('reads %s as the instant %s', (value, instant) => {
    expect(parseDateTime(value).toISOString()).toBe(instant);
  });

  it.each([
    ['2026-02-30T00:00:00Z', /real calendar day: 2026-02-30/],
    ['2027-02-29T00:00:00Z', /real calendar day/],
    ['1900-02-29T00:00:00Z', /real calendar day/],
    ['2026-04-31T00:00:00Z', /real calendar day/],
    ['2026-13-01T00:00:00Z', /real calendar day/],
    ['2026-00-10T00:00:00Z', /real calendar day/],
    ['2026-11-21T24:00:00Z', /00:00:00 to 23:59:59/],
    ['2026-11-21T23:60:00Z', /00:00:00 to 23:59:59/],
    ['2026-12-31T23:59:60Z', /no leap second/],
    ['2026-11-21T09:30:00+24:00', /offset from -23:59 to \+23:59/],
    ['2026-11-21T09:30:00', /with an offset/],
    ['2026-11-21 09:30:00Z', /RFC 3339/],
    ['2026-11-21T09:30Z', /RFC 3339/],
    ['2026-11-21T09:30:00+0900', /RFC 3339/],
    ['2026-11-21', /RFC 3339/],
    ['+002026-11-21T09:30:00Z', /RFC 3339/],
    ['9999-12-31T23:59:59-00:01', /years 0000 to 9999/],
    ['0000-01-01T00:00:00+00:01', /years 0000 to 9999/],
    ['Sat, 21 Nov 2026 09:30:00 GMT', /RFC 3339/],
    [1_795_000_000_000, /RFC 3339/],
    [null, /RFC 3339/],
  ])('refuses %s naming the rule', (value, rule) => {
    expect(() => parseDateTime(value)).toThrow(rule);
  });

  it('does not depend on the server time zone', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Seoul';
      expect(parseDateTime('2026-11-21T09:30:00Z').toISOString()).toBe('2026-11-21T09:30:00.000Z');
      expect(() => parseDateTime('2026-11-21T09:30:00')).toThrow(/with an offset/);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('Krw', () => {
  const MAX = Number.MAX_SAFE_INTEGER;

  it('carries whole won beyond 32 bits, both ways, exactly', () => {
    for (const won of [0, 1_200, 4_562_891_033, -4_562_891_033, MAX, -MAX]) {
      expect(Krw.serialize(won)).toBe(won);
      expect(Krw.parseValue(won)).toBe(won);
      expect(Krw.parseLiteral(parseValue(String(won)))).toBe(won);
    }
  });

  it.each([
    ['a fraction', 1.5],
    ['2^53', 2 ** 53],
    ['a string', '1200'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['null', null],
  ])('refuses %s as a variable and as an answer', (_, value) => {
    expect(() => Krw.parseValue(value)).toThrow('Krw must be a whole number of won such as 900000, written with the digits 0–9 only (no commas, spaces, ₩ or quotes), at most 9007199254740991 either side of 0');
    expect(() => Krw.serialize(value)).toThrow(/whole number of won/);
  });

  it.each(['1.5', '1.0', '1e3', '9007199254740992', '9007199254740993', '"1200"', 'null'])('refuses the literal %s', (literal) => {
    expect(() => Krw.parseLiteral(parseValue(literal))).toThrow(/whole number of won/);
  });
});

describe('DateTime answers', () => {
  it('are exactly what toISOString writes, over the whole range and its edges', () => {
    const edges = ['0000-01-01T00:00:00.000Z', '0000-02-29T23:59:59.999Z', '0001-01-01T00:00:00.000Z', '1899-12-31T23:59:59.999Z', '1900-03-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2000-02-29T12:00:00.000Z', '2100-03-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
    for (const text of edges) expect(isoString(Date.parse(text))).toBe(text);
    // Beyond four-digit years toISOString's own (extended) form.
    for (const ms of [Date.parse('0000-01-01T00:00:00.000Z') - 1, Date.parse('9999-12-31T23:59:59.999Z') + 1]) expect(isoString(ms)).toBe(new Date(ms).toISOString());
    const [from, to] = [Date.parse('0000-01-01T00:00:00Z'), Date.parse('9999-12-31T23:59:59.999Z')];
    for (let i = 0; i < 100_000; i++) {
      const ms = from + Math.floor(Math.random() * (to - from));
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
