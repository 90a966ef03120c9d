import type { PodMediaType } from '../../db/schema';
import type { PodImageRecord } from './tracking-event-record';

const SIGNATURES: [PodMediaType, number[]][] = [
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
];

/** The image type by its first bytes (whatever the client claimed), or null when it is neither JPEG nor PNG. */
export function podMediaTypeOf(bytes: Uint8Array): PodMediaType | null {
  for (const [type, magic] of SIGNATURES) if (magic.every((b, i) => bytes[i] === b)) return type;
  return null;
}

export const POD_EXTENSION: Record<PodMediaType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };

/** An image's file inside POD_STORAGE_DIR: `<id>.<extension>`, or the UUID name of an image stored before that. */
export function podFileName(image: Pick<PodImageRecord, 'id' | 'mediaType' | 'fileName'>): string {
  return image.fileName ?? `${image.id}.${POD_EXTENSION[image.mediaType]}`;
}
