-- A proof-of-delivery image's media type as a code, as on SQLite (migration 0028). No trigger or function reads it.
ALTER TABLE "pod_images" DROP CONSTRAINT "pod_images_media_type";--> statement-breakpoint
ALTER TABLE "pod_images" ALTER COLUMN "media_type" SET DATA TYPE smallint USING CASE "media_type" WHEN 'image/png' THEN 0 WHEN 'image/jpeg' THEN 1 END;--> statement-breakpoint
ALTER TABLE "pod_images" ADD CONSTRAINT "pod_images_media_type" CHECK (media_type in (0,1));