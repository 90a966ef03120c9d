ALTER TABLE `vehicles` ADD `per_stop_fee_krw` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `vehicles` ADD `waiting_fee_per_hour_krw` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Vehicles registered before the fields existed get their tonnage class's defaults (src/supply/vehicle-classes.ts at the time of this migration).
UPDATE `vehicles` SET
  `per_stop_fee_krw` = CASE `tonnage_class` WHEN 'T1' THEN 10000 WHEN 'T1_4' THEN 12000 WHEN 'T2_5' THEN 16000 WHEN 'T3_5' THEN 20000 WHEN 'T5' THEN 24000 WHEN 'T11' THEN 36000 WHEN 'T25' THEN 52000 END,
  `waiting_fee_per_hour_krw` = CASE `tonnage_class` WHEN 'T1' THEN 8000 WHEN 'T1_4' THEN 9000 WHEN 'T2_5' THEN 12000 WHEN 'T3_5' THEN 15000 WHEN 'T5' THEN 18000 WHEN 'T11' THEN 28000 WHEN 'T25' THEN 40000 END;
