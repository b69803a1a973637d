import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { DemoLogin } from "../demo/users";

/**
 * The git-ignored folder that holds what the embedded default keeps between starts: the
 * Postgres cluster, generated secrets, the database URL and the demo logins.
 */
export class LocalState {
  readonly dir: string;

  constructor(dir = process.env.TE_DATA_DIR ?? ".data") {
    this.dir = path.resolve(dir);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    // The embedded Postgres runs as another user and must traverse this folder.
    fs.chmodSync(this.dir, 0o755);
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** A secret generated on first use and reused afterwards, so sessions survive restarts. */
  secret(name: string): string {
    const file = this.file(`${name}.secret`);
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
    const value = randomBytes(32).toString("base64url");
    fs.writeFileSync(file, value, { mode: 0o600 });
    return value;
  }

  writeDatabaseUrl(url: string): void {
    fs.writeFileSync(this.file("database-url"), `${url}\n`, { mode: 0o600 });
  }

  writeDemoLogins(logins: DemoLogin[]): void {
    fs.writeFileSync(this.file("demo-logins.json"), `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
  }

  readDemoLogins(): DemoLogin[] | undefined {
    const file = this.file("demo-logins.json");
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as DemoLogin[]) : undefined;
  }
}
