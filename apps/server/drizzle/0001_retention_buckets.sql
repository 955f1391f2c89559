CREATE TABLE "retention_buckets" (
	"video_id" text NOT NULL,
	"n" integer NOT NULL,
	"bucket" integer NOT NULL,
	"viewers" integer NOT NULL,
	CONSTRAINT "retention_buckets_video_id_n_bucket_pk" PRIMARY KEY("video_id","n","bucket")
);
--> statement-breakpoint
-- Hand-added: counts kept in the old array form are dropped; headers go too, so the next merge
-- of each video rebuilds its counts (readers compute in full meanwhile).
DELETE FROM "retention_counts";
--> statement-breakpoint
ALTER TABLE "retention_counts" DROP COLUMN "counts";
