import { connect } from "./connect";

/** The login role the app runs as (migration 0018): neither superuser nor owner of anything. */
export const APP_ROLE = "te_app";

const SAFE_PASSWORD = /^[A-Za-z0-9_-]{32,}$/;

/**
 * Gives te_app a login and `password` as the owner (the embedded default's superuser; run again
 * at every start, so a changed secret file takes effect) and answers the URL the app connects
 * with: the owner's, with te_app's name and password.
 */
export async function provisionAppRole(ownerUrl: string, password: string): Promise<string> {
  // ALTER ROLE takes no parameters: the password is spliced in, so only a generated one is.
  if (!SAFE_PASSWORD.test(password)) throw new Error("the te_app password must be 32+ characters of [A-Za-z0-9_-]");
  const sql = connect(ownerUrl, { max: 1, applicationName: "trace-explorer-start" });
  try {
    await sql.unsafe(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD '${password}'`);
  } finally {
    await sql.end({ timeout: 2 });
  }
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}
