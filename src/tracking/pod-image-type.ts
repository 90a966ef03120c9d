import type { PodMediaType } from '../../db/schema';

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
