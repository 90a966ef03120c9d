CREATE INDEX `idempotency_keys_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE INDEX `consolidated_loads_round` ON `consolidated_loads` (`round_id`);--> statement-breakpoint
CREATE INDEX `matching_rounds_empty_scheduled` ON `matching_rounds` (`started_at`) WHERE "trigger" = 'SCHEDULED' and json_extract(report, '$.requestsConsidered') = 0;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event` ON `webhook_deliveries` (`event_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_fanned_out` ON `webhook_events` (`fanned_out_at`);