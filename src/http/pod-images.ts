import express, { type RequestHandler, type Response, type Router } from 'express';
import type { Context } from '../context';
import { localIdOf, toGlobalId } from '../global-id';
import { NotFoundError } from '../errors';
import { openPodImage } from '../tracking/open-pod-image';
import { storePodImage } from '../tracking/store-pod-image';
import type { PodImageRecord } from '../tracking/tracking-event-record';

/** Where proof-of-delivery images are uploaded (POST /pod-images/:bookingId) and downloaded (GET /pod-images/:imageId). */
export const POD_IMAGES_PATH = '/pod-images';

export interface PodRouteDeps {
  /** Rate-limits and authenticates (Bearer API key) into `res.locals.viewer`, as for /graphql. */
  admit: RequestHandler;
  contextOf: (res: Response) => Context;
  maxBytes: number;
}

/** The image's download path, as ProofOfDelivery.image.downloadPath reports it. */
export const podImagePath = (image: Pick<PodImageRecord, 'id'>) => `${POD_IMAGES_PATH}/${toGlobalId('PodImage', image.id)}`;

/**
 * Proof-of-delivery images over plain HTTP: the raw image is the request body (no base64, no multipart), so
 * /graphql keeps its small body limit. Errors go to the app's error handler: GraphQL-shaped JSON with the
 * domain error's HTTP status.
 */
export function podImageRoutes(deps: PodRouteDeps): Router {
  const router = express.Router();
  router.post('/:bookingId', deps.admit, express.raw({ type: () => true, limit: deps.maxBytes }), async (req, res) => {
    // Express 5 passes a rejected handler's error to the app's error handler.
    const bookingId = localIdOf(String(req.params.bookingId), 'Booking', 'bookingId');
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const image = await storePodImage({ ctx: deps.contextOf(res), input: { bookingId, bytes } });
    res.status(201).json({ id: toGlobalId('PodImage', image.id), mediaType: image.mediaType, byteSize: image.byteSize, sha256: image.sha256, downloadPath: podImagePath(image) });
  });
  router.get('/:imageId', deps.admit, async (req, res, next) => {
    const id = localIdOf(String(req.params.imageId), 'PodImage', 'imageId');
    const { image, path } = await openPodImage({ ctx: deps.contextOf(res), input: { id } });
    res.set({ 'Content-Type': image.mediaType, 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' });
    res.sendFile(path, { dotfiles: 'deny' }, (error) => {
      if (!error) return;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return next(error);
      // Recorded but not on this disk: lost, or stored by an instance on another host (POD_STORAGE_DIR not shared).
      deps.contextOf(res).logger.error({ imageId: image.id, path }, 'proof-of-delivery image recorded but its file is missing');
      next(new NotFoundError('Proof-of-delivery image file'));
    });
  });
  return router;
}
