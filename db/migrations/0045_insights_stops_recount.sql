-- Days rolled up before a trip's stops were counted by place counted a second load at the dock just stopped at as
-- one more stop. The roll-ups are a cache of the rows: forgetting the days that counted any stop lets the scheduler
-- (or the next read) sum them again under today's definition.
DELETE FROM insights_days WHERE trip_stops > 0;
