CREATE TABLE "login_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "playback_sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"viewer_id" text NOT NULL,
	"video_id" text NOT NULL,
	"started_at" bigint NOT NULL,
	"startup_ms" bigint,
	"played_wall_ms" bigint NOT NULL,
	"stall_count" integer NOT NULL,
	"stall_ms" bigint NOT NULL,
	"doc" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recordings" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"session_id" text,
	"fps" double precision NOT NULL,
	"frames" integer NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_counts" (
	"video_id" text NOT NULL,
	"n" integer NOT NULL,
	"bucket_ms" bigint NOT NULL,
	"counts" integer[] NOT NULL,
	CONSTRAINT "retention_counts_video_id_n_pk" PRIMARY KEY("video_id","n")
);
--> statement-breakpoint
CREATE TABLE "sections" (
	"video_id" text NOT NULL,
	"viewer_id" text NOT NULL,
	"sections" "int8multirange" NOT NULL,
	"last_added" "int8multirange" NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sections_video_id_viewer_id_pk" PRIMARY KEY("video_id","viewer_id")
) PARTITION BY HASH ("video_id");
-- Hand-added (drizzle-kit cannot express partitioning): 16 hash partitions by video id, SPEC §8.
--> statement-breakpoint
CREATE TABLE "sections_p00" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 0);
--> statement-breakpoint
CREATE TABLE "sections_p01" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 1);
--> statement-breakpoint
CREATE TABLE "sections_p02" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 2);
--> statement-breakpoint
CREATE TABLE "sections_p03" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 3);
--> statement-breakpoint
CREATE TABLE "sections_p04" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 4);
--> statement-breakpoint
CREATE TABLE "sections_p05" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 5);
--> statement-breakpoint
CREATE TABLE "sections_p06" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 6);
--> statement-breakpoint
CREATE TABLE "sections_p07" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 7);
--> statement-breakpoint
CREATE TABLE "sections_p08" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 8);
--> statement-breakpoint
CREATE TABLE "sections_p09" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 9);
--> statement-breakpoint
CREATE TABLE "sections_p10" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 10);
--> statement-breakpoint
CREATE TABLE "sections_p11" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 11);
--> statement-breakpoint
CREATE TABLE "sections_p12" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 12);
--> statement-breakpoint
CREATE TABLE "sections_p13" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 13);
--> statement-breakpoint
CREATE TABLE "sections_p14" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 14);
--> statement-breakpoint
CREATE TABLE "sections_p15" PARTITION OF "sections" FOR VALUES WITH (MODULUS 16, REMAINDER 15);
--> statement-breakpoint
CREATE TABLE "videos" (
	"video_id" text PRIMARY KEY NOT NULL,
	"duration_ms" bigint NOT NULL,
	"title" text,
	"poster_url" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "playback_sessions_video_idx" ON "playback_sessions" USING btree ("video_id","started_at");