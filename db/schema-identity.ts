import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./schema";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Sign-in attempt counters (lib/auth/sign-in-limits.ts); account '' is an address's own row. */
export const signInThrottle = pgTable(
  "sign_in_throttle",
  {
    account: text("account").notNull(),
    address: text("address").notNull(),
    attempts: integer("attempts").notNull().default(0),
    strikes: integer("strikes").notNull().default(0),
    blockedUntil: ts("blocked_until"),
    lastAttemptAt: ts("last_attempt_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.address], name: "sign_in_throttle_pkey" }), index("sign_in_throttle_last_attempt_idx").on(t.lastAttemptAt)],
);

/** Signed-in sessions (lib/auth/sessions.ts). */
export const authSessions = pgTable(
  "auth_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    endedAt: ts("ended_at"),
  },
  (t) => [
    // Named by Postgres: migration 0012 declared the reference inline.
    foreignKey({ name: "auth_sessions_user_id_fkey", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
    index("auth_sessions_user_idx").on(t.userId),
    index("auth_sessions_expires_idx").on(t.expiresAt),
  ],
);

/**
 * A user's saved searches (lib/saved-queries/store.ts): a name and a relative URL of the app.
 * Row-level security by user (migration 0019): te_app sees only the rows of `app.user_id`.
 */
export const savedQueries = pgTable(
  "saved_queries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").notNull(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    // Named by Postgres: migration 0019 declared the reference inline.
    foreignKey({ name: "saved_queries_user_id_fkey", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
    uniqueIndex("saved_queries_user_name_idx").on(t.userId, t.name),
    check("saved_queries_name_length", sql`char_length(${t.name}) BETWEEN 1 AND 100`),
    check("saved_queries_url_relative", sql`char_length(${t.url}) <= 2000 AND left(${t.url}, 1) = '/' AND left(${t.url}, 2) NOT IN ('//', '/\\')`),
  ],
);
