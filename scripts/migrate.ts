import { runMigrations } from "../db/migrate";
import { redactUrl } from "./startup/database";
import { cliDatabaseUrl, NoDatabaseError } from "./startup/cli-database";
import { describeError } from "./startup/describe-error";

// `npm run db:migrate`: applies the committed migrations to DATABASE_URL (or the embedded
// database `npm start` wrote to .data/database-url), as every start also does. As the owner:
// the runtime role (te_app) may not change the schema.

let url: string;
try {
  url = cliDatabaseUrl();
} catch (error) {
  console.error((error as Error).message);
  process.exit(error instanceof NoDatabaseError ? 2 : 1);
}
try {
  await runMigrations(url);
  console.log(`Migrations applied to ${redactUrl(url)}.`);
} catch (error) {
  console.error(`Migrating ${redactUrl(url)} failed: ${describeError(error)}`);
  process.exitCode = 1;
}
