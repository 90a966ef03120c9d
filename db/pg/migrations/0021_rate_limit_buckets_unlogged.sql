-- Rate-limit buckets skip the write-ahead log: every request's take commits an update of its buckets, and a logged one
-- waits for the log's flush to disk (fdatasync) before the request may go on. A bucket is worth nothing after a crash
-- or a failover (PostgreSQL empties an unlogged table then, and every bucket starts full again, as after a minute idle).
ALTER TABLE "rate_limit_buckets" SET UNLOGGED;
