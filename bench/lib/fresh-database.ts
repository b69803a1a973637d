import { connect } from "../../db/connect";
import { runMigrations } from "../../db/migrate";

/** An empty, migrated database `name` on the cluster of `adminUrl` (dropped first if it exists); returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = connect(adminUrl, { max: 1 });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  await runMigrations(url);
  return url;
}
