-- An offer's kind and status as codes, as on SQLite (migration 0022): each value mapped to its code. No trigger reads offers.
ALTER TABLE "offers" DROP CONSTRAINT "offers_kind";--> statement-breakpoint
ALTER TABLE "offers" DROP CONSTRAINT "offers_status";--> statement-breakpoint
ALTER TABLE "offers" DROP CONSTRAINT "offers_leg";--> statement-breakpoint
ALTER TABLE "offers" DROP CONSTRAINT "offers_route";--> statement-breakpoint
DROP INDEX "offers_pending_expiry";--> statement-breakpoint
ALTER TABLE "offers" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "offers" ALTER COLUMN "kind" SET DATA TYPE smallint USING CASE "kind" WHEN 'TRANSPORT' THEN 0 WHEN 'STORAGE' THEN 1 END;--> statement-breakpoint
ALTER TABLE "offers" ALTER COLUMN "status" SET DATA TYPE smallint USING CASE "status" WHEN 'PENDING' THEN 0 WHEN 'ACCEPTED' THEN 1 WHEN 'DECLINED' THEN 2 WHEN 'EXPIRED' THEN 3 WHEN 'WITHDRAWN' THEN 4 END;--> statement-breakpoint
ALTER TABLE "offers" ALTER COLUMN "status" SET DEFAULT 0;--> statement-breakpoint
CREATE INDEX "offers_pending_expiry" ON "offers" USING btree ("complex_id","expires_at") WHERE status = 0;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_kind" CHECK (kind in (0,1));--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_status" CHECK (status in (0,1,2,3,4));--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_leg" CHECK (("offers"."kind" = 1) = ("offers"."listing_id" is not null) and ("offers"."kind" = 1) = ("offers"."vehicle_id" is null));--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_route" CHECK (not ("offers"."kind" = 1 and "offers"."route_id" is not null));