import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, podImages } from '../../db/schema';
import { requireViewer } from '../auth/authorize';
import type { Context, Viewer } from '../context';
import { NotFoundError } from '../errors';
import { parseInput } from '../validation';
import { podFileName } from './pod-image-type';
import type { PodImageRecord } from './tracking-event-record';
import type { BookingRecord } from '../bookings/booking-record';

export const OpenPodImageInput = z.object({ id: z.number().int().positive() });
export type OpenPodImageInput = z.infer<typeof OpenPodImageInput>;

/**
 * A proof-of-delivery image and where its file is, for the booking's shipper, its carrier and the operators
 * of its complex only: a photo of a receiver or a signature is personal data, so not even admins read it.
 * @throws NotFoundError for an unknown image or one the caller may not see (they look alike).
 */
export async function openPodImage({ ctx, input }: { ctx: Context; input: OpenPodImageInput }): Promise<{ image: PodImageRecord; path: string }> {
  const viewer = requireViewer(ctx);
  const { id } = parseInput(OpenPodImageInput, input);
  const row = await ctx.db.select({ image: podImages, booking: bookings }).from(podImages).innerJoin(bookings, eq(bookings.id, podImages.bookingId)).where(eq(podImages.id, id)).get();
  if (!row || !readsProof(viewer, row.booking)) throw new NotFoundError('Proof-of-delivery image');
  return { image: row.image, path: join(ctx.env.POD_STORAGE_DIR, podFileName(row.image)) };
}

/** Who reads a booking's proof of delivery (the receiver's name, the photo): its shipper, its carrier, its complex's operators. */
export function readsProof(viewer: Viewer, booking: Pick<BookingRecord, 'shipperOrgId' | 'supplierOrgId' | 'complexId'>): boolean {
  return booking.shipperOrgId === viewer.organisationId || booking.supplierOrgId === viewer.organisationId || (viewer.role === 'OPERATOR' && viewer.complexId === booking.complexId);
}
