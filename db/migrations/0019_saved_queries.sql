-- Issue 18 item 12: a user's saved searches (name and the page's relative URL), private to
-- them. Row-level security by user: te_app sees and writes only the rows of the user the
-- transaction names in app.user_id (lib/saved-queries/store.ts), so a query that forgot its
-- own user filter still cannot read or change another user's list.
CREATE TABLE saved_queries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  url text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT saved_queries_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
  -- A path of this app, never another origin: "/x", not "//host" or "/\host".
  CONSTRAINT saved_queries_url_relative CHECK (char_length(url) <= 2000 AND left(url, 1) = '/' AND left(url, 2) NOT IN ('//', '/\'))
);--> statement-breakpoint
CREATE UNIQUE INDEX saved_queries_user_name_idx ON saved_queries (user_id, name);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON saved_queries TO te_app;--> statement-breakpoint
ALTER TABLE saved_queries ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE saved_queries FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY saved_queries_owner ON saved_queries TO CURRENT_USER USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY saved_queries_app ON saved_queries TO te_app
  USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK (user_id = nullif(current_setting('app.user_id', true), '')::uuid);
