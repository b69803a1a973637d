-- Sign-in throttling (lib/auth/sign-in-limits.ts): one counter per (account, address) and one
-- per address (account ''), reserved atomically before a password is checked, so parallel
-- attempts cannot all pass the check. An unknown address is ''.
CREATE TABLE "sign_in_throttle" (
	"account" text NOT NULL,
	"address" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"strikes" integer DEFAULT 0 NOT NULL,
	"blocked_until" timestamp with time zone,
	"last_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sign_in_throttle_pkey" PRIMARY KEY ("account", "address")
);
--> statement-breakpoint
CREATE INDEX "sign_in_throttle_last_attempt_idx" ON "sign_in_throttle" ("last_attempt_at");
--> statement-breakpoint
-- Signed-in sessions (lib/auth/sessions.ts): the session cookie names a row; signing out ends
-- it, and no session outlives expires_at however often it is refreshed.
CREATE TABLE "auth_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "auth_sessions_user_idx" ON "auth_sessions" ("user_id");
--> statement-breakpoint
CREATE INDEX "auth_sessions_expires_idx" ON "auth_sessions" ("expires_at");
