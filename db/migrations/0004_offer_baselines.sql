ALTER TABLE `offers` ADD `baseline_krw` integer;--> statement-breakpoint
ALTER TABLE `offers` ADD `baseline_co2_kg` real;--> statement-breakpoint
ALTER TABLE `offers` ADD `baseline_deadhead_km` real;--> statement-breakpoint
ALTER TABLE `offers` ADD `baseline_loaded_km` real;