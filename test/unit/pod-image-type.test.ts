import { describe, expect, it } from 'vitest';
import { TINY_PNG } from '../../scripts/simulation/market';
import { podMediaTypeOf } from '../../src/tracking/pod-image-type';

/** A JPEG's opening: SOI, a JFIF APP0 segment, then a baseline frame header (SOF0) of `height` x `width`. */
function jpeg(height: number, width: number): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

describe('podMediaTypeOf', () => {
  it('knows a PNG by its IHDR and a JPEG by its frame header, trailing bytes or not', () => {
    expect(podMediaTypeOf(TINY_PNG)).toBe('image/png');
    expect(podMediaTypeOf(jpeg(480, 640))).toBe('image/jpeg');
    // Phones append data after a JPEG's end (motion photos): still the picture it opens with.
    expect(podMediaTypeOf(Buffer.concat([jpeg(480, 640), Buffer.from('SEFT trailer')]))).toBe('image/jpeg');
  });

  it.each([
    ['HTML behind a PNG signature', Buffer.concat([TINY_PNG.subarray(0, 8), Buffer.from('<html><script>alert(1)</script></html>')])],
    ['a PNG cut short', TINY_PNG.subarray(0, 20)],
    ['text behind a JPEG signature', Buffer.from('\xff\xd8\xffthis is not a jpeg at all', 'latin1')],
    ['a JPEG of no width', jpeg(480, 0)],
    ['a JPEG cut before its frame header', jpeg(480, 640).subarray(0, 20)],
    ['plain text', Buffer.from('hello')],
  ])('refuses %s', (_name, bytes) => {
    expect(podMediaTypeOf(bytes)).toBeNull();
  });
});
