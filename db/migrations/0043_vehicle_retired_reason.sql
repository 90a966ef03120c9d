ALTER TABLE `vehicles` ADD `retired_reason` text;--> statement-breakpoint
ALTER TABLE `vehicles` ADD `retired_by_operator` integer DEFAULT false NOT NULL;