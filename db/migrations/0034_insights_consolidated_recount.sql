-- Days rolled up before consolidated meant "another shipper's load on the route" counted one shipper's own loads
-- travelling together. The roll-ups are a cache of the rows: forgetting the days that counted any lets the
-- scheduler (or the next read) sum them again under today's definition.
DELETE FROM insights_days WHERE consolidated > 0;
