import { randomUUID, createHash } from 'node:crypto';
import { transact } from '../../db/transaction';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from '../../db/folders';
import { and, eq } from 'drizzle-orm';
import { bookings, podImages, trackingEvents } from '../../db/schema';
import { requireRole } from '../auth/authorize';
import { isTransport } from '../bookings/booking-record';
import type { Context } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { podFileName, podMediaTypeOf } from './pod-image-type';
import { loadingKind } from './tracking-rules';
import type { PodImageRecord } from './tracking-event-record';

export interface StorePodImageInput {
  bookingId: number;
  /** The request body: a JPEG or PNG photo or signature. */
  bytes: Uint8Array;
}

/**
 * CARRIER holding a transport booking: stores a proof-of-delivery image (JPEG or PNG, by its content, at
 * most POD_MAX_BYTES) under POD_STORAGE_DIR, durably, and records it. Report DELIVERED with its id afterwards.
 * The request's content-type is not read: the content says what the image is.
 * @throws NotFoundError for an unknown booking or another carrier's; ValidationError for an empty, oversized
 *   or non-image body, a storage booking or a feeder leg (it delivers nothing: it hands the goods over at the centre); ConflictError before the leg's goods were loaded, or once the booking
 *   ended or was delivered.
 */
export async function storePodImage({ ctx, input }: { ctx: Context; input: StorePodImageInput }): Promise<PodImageRecord> {
  const viewer = requireRole(ctx, 'CARRIER');
  const booking = await ctx.db.select().from(bookings).where(eq(bookings.id, input.bookingId)).get();
  if (!booking || booking.supplierOrgId !== viewer.organisationId) throw new NotFoundError('Booking');
  if (!isTransport(booking)) throw new ValidationError([{ field: 'bookingId', rule: 'must be a transport booking: proofs of delivery are for goods carried' }]);
  if (booking.centreLeg === 'FEEDER') throw new ValidationError([{ field: 'bookingId', rule: 'must be a booking that delivers the goods: a feeder leg hands them over at the logistics centre (AT_CENTRE), which takes no proof of delivery' }]);
  if (booking.status !== 'CONFIRMED') throw new ConflictError(`Booking is ${booking.status}: it takes no more proofs of delivery`);
  // A driver has no photo of a delivery before loading the goods: one uploaded earlier could never prove it.
  const loading = loadingKind(booking.centreLeg);
  const loaded = await ctx.db.select({ id: trackingEvents.id }).from(trackingEvents).where(and(eq(trackingEvents.bookingId, booking.id), eq(trackingEvents.kind, loading))).get();
  if (!loaded) throw new ConflictError(`Booking is ${booking.status} with its goods not picked up yet (no ${loading} reported): a proof of delivery is uploaded once they are loaded`);
  const { bytes } = input;
  const max = ctx.env.POD_MAX_BYTES;
  if (bytes.length === 0 || bytes.length > max) throw new ValidationError([{ field: 'body', rule: `must be an image of 1 to ${max} bytes` }]);
  const mediaType = podMediaTypeOf(bytes);
  if (!mediaType) throw new ValidationError([{ field: 'body', rule: 'must be a JPEG or PNG image (checked by its content, not its name or header)' }]);

  // Written whole under a temporary name first; then, in the transaction that records it, named by its id.
  const temporary = join(ctx.env.POD_STORAGE_DIR, `${randomUUID()}.partial`);
  writeDurably(ctx.env.POD_STORAGE_DIR, temporary, bytes);
  try {
    return await transact(ctx.db, async (tx) => {
      const image = (await tx
        .insert(podImages)
        .values({ bookingId: booking.id, uploadedByOrgId: viewer.organisationId, mediaType, byteSize: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })
        .returning()
        .get())!;
      // Synchronous, so nothing else runs on the connection meanwhile (see transact).
      const path = join(ctx.env.POD_STORAGE_DIR, podFileName(image));
      keepAside(ctx, path);
      renameSync(temporary, path);
      syncFolder(ctx.env.POD_STORAGE_DIR);
      return image;
    });
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * A file already named by a new image's id is another database's history: images uploaded after the backup a
 * restored database was taken from, or before a demo database was rebuilt, whose ids this one hands out again. They
 * are evidence (README, Retention: never deleted by the service), so the new image does not replace it: it is
 * renamed `<name>.displaced-<time>` beside, and the log says so.
 */
function keepAside(ctx: Context, path: string): void {
  if (!existsSync(path)) return;
  const aside = `${path}.displaced-${ctx.now().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  ctx.logger.warn({ file: path, keptAs: aside }, 'a proof-of-delivery file of another database had the new image\'s name: kept beside it');
}

/** Writes the file and syncs it: whole once this returns. Receivers' photos and signatures: the owner's only (600). */
function writeDurably(dir: string, path: string, bytes: Uint8Array): void {
  makeFolder(dir, 0o700);
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A rename survives a crash once its folder is synced. */
function syncFolder(dir: string): void {
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
