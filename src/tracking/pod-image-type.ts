import type { PodMediaType } from '../../db/schema';
import type { PodImageRecord } from './tracking-event-record';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The image type by its content (whatever the client claimed), or null when it is neither JPEG nor PNG: not only
 * the first bytes, which anything can start with, but the header that gives the picture its size. A PNG's first
 * chunk is its 13-byte IHDR; a JPEG's segments lead to a frame header (SOF). Both must give a width and a height.
 */
export function podMediaTypeOf(bytes: Uint8Array): PodMediaType | null {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return isPng(bytes) ? 'image/png' : null;
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return isJpeg(bytes) ? 'image/jpeg' : null;
  return null;
}

const u16 = (bytes: Uint8Array, at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
const u32 = (bytes: Uint8Array, at: number) => ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;

function isPng(bytes: Uint8Array): boolean {
  const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
  return bytes.length >= 8 + 25 + 12 && u32(bytes, 8) === 13 && ihdr === 'IHDR' && u32(bytes, 16) > 0 && u32(bytes, 20) > 0;
}

/** Walks the segments after SOI to the first frame header: SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
function isJpeg(bytes: Uint8Array): boolean {
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = u16(bytes, at + 2);
    if (length < 2) return false;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return at + 9 <= bytes.length && u16(bytes, at + 5) > 0 && u16(bytes, at + 7) > 0;
    }
    at += 2 + length;
  }
  return false;
}

export const POD_EXTENSION: Record<PodMediaType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };

/** An image's file inside POD_STORAGE_DIR: `<id>.<extension>`, or the UUID name of an image stored before that. */
export function podFileName(image: Pick<PodImageRecord, 'id' | 'mediaType' | 'fileName'>): string {
  return image.fileName ?? `${image.id}.${POD_EXTENSION[image.mediaType]}`;
}
