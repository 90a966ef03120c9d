-- A matching round's status and trigger as codes (db/schema/matching.ts ROUND_STATUS_CODES, ROUND_TRIGGER_CODES)
-- instead of their spellings: the table rebuilt with each value mapped to its code, its two partial indexes spelling
-- codes (RUNNING 1, SCHEDULED 1). No trigger spells these values; the two on the table (dropped with the old table) are
-- created again, and routes' trigger that reads rounds is dropped first (a rename checks every trigger's body) and
-- created again as it was.
DROP TRIGGER `insights_days_route_changed`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_matching_rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`complex_id` integer NOT NULL,
	`status` integer DEFAULT 1 NOT NULL,
	`trigger` integer NOT NULL,
	`started_by_org_id` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`report` text,
	`error` text,
	FOREIGN KEY (`complex_id`) REFERENCES `complexes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`started_by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "matching_rounds_status" CHECK(status in (0,1,2)),
	CONSTRAINT "matching_rounds_trigger" CHECK("trigger" in (0,1))
);
--> statement-breakpoint
INSERT INTO `__new_matching_rounds`("id", "complex_id", "status", "trigger", "started_by_org_id", "started_at", "finished_at", "report", "error") SELECT "id", "complex_id", CASE "status" WHEN 'COMPLETED' THEN 0 WHEN 'RUNNING' THEN 1 WHEN 'FAILED' THEN 2 END, CASE "trigger" WHEN 'MANUAL' THEN 0 WHEN 'SCHEDULED' THEN 1 END, "started_by_org_id", "started_at", "finished_at", "report", "error" FROM `matching_rounds`;--> statement-breakpoint
DROP TABLE `matching_rounds`;--> statement-breakpoint
ALTER TABLE `__new_matching_rounds` RENAME TO `matching_rounds`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `matching_rounds_one_running` ON `matching_rounds` (`complex_id`) WHERE status = 1;--> statement-breakpoint
CREATE INDEX `matching_rounds_complex` ON `matching_rounds` (`complex_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `matching_rounds_empty_scheduled` ON `matching_rounds` (`started_at`) WHERE "trigger" = 1 and json_extract(report, '$[0]') = 0;--> statement-breakpoint
-- The triggers as they were.
CREATE TRIGGER `insights_days_route_changed` AFTER UPDATE ON `routes`
BEGIN
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT q.complex_id, date(q.created_at / 1000, 'unixepoch', '+9 hours') FROM route_stops s JOIN shipment_requests q ON q.id = s.request_id WHERE s.route_id = NEW.id);
  DELETE FROM insights_days WHERE (complex_id, day) IN
    (SELECT m.complex_id, date(m.started_at / 1000, 'unixepoch', '+9 hours') FROM matching_rounds m WHERE m.id IN (OLD.round_id, NEW.round_id));
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_round_removed` AFTER DELETE ON `matching_rounds`
WHEN json_extract(OLD.report, '$[12]') > 0
BEGIN
  DELETE FROM insights_days WHERE complex_id = OLD.complex_id AND day = date(OLD.started_at / 1000, 'unixepoch', '+9 hours');
END;
--> statement-breakpoint
CREATE TRIGGER `insights_days_round_reported` AFTER UPDATE OF `report` ON `matching_rounds`
BEGIN
  DELETE FROM insights_days WHERE complex_id = NEW.complex_id AND day = date(NEW.started_at / 1000, 'unixepoch', '+9 hours');
END;
