-- An image's SHA-256 as its 32 bytes, not 64 hex characters (db/schema sha256Digest).
ALTER TABLE "pod_images" ALTER COLUMN "sha256" SET DATA TYPE bytea USING decode("sha256", 'hex');
