import "server-only";
import type { Sql } from "@/db/connect";
import { hashIngestKey, looksLikeIngestKey } from "./key-material";

/** Who is writing: a key scoped to one tenant, or a platform collector key (tenantId null). */
export interface KeyScope {
  keyId: string;
  tenantId: string | null;
}

export type KeyCheck = { ok: true; key: KeyScope } | { ok: false; status: 401 | 403; message: string };

export interface AuthenticatorOptions {
  /** How long a verified key is trusted without asking the database; bounds how late a revocation bites. */
  cacheMs: number;
  /** last_used_at is written at most this often per key, off the request path. */
  touchEveryMs: number;
  onTouchError?: (error: unknown) => void;
}

interface CachedKey {
  scope: KeyScope;
  revoked: boolean;
  checkedAt: number;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const CACHE_LIMIT = 10_000;

/** Checks `Authorization: Bearer <ingest key>` against the hashed keys. */
export class KeyAuthenticator {
  private readonly cache = new Map<string, CachedKey>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly sql: Sql,
    private readonly options: AuthenticatorOptions,
  ) {}

  async check(authorization: string | null, now = Date.now()): Promise<KeyCheck> {
    const presented = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    if (!presented) return { ok: false, status: 401, message: "Missing ingest key: send Authorization: Bearer <key>." };
    if (!looksLikeIngestKey(presented)) return { ok: false, status: 401, message: "Unknown ingest key." };

    const hash = hashIngestKey(presented);
    let known = this.cache.get(hash);
    if (!known || now - known.checkedAt > this.options.cacheMs) {
      const [row] = await this.sql<{ id: string; tenant_id: string | null; revoked: boolean }[]>`
        SELECT id, tenant_id, revoked_at IS NOT NULL AS revoked FROM ingest_keys WHERE key_hash = ${hash}`;
      if (!row) {
        this.cache.delete(hash);
        return { ok: false, status: 401, message: "Unknown ingest key." };
      }
      // Only real keys are cached, so made-up keys cannot grow the cache.
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      known = { scope: { keyId: row.id, tenantId: row.tenant_id }, revoked: row.revoked, checkedAt: now };
      this.cache.set(hash, known);
    }
    if (known.revoked) return { ok: false, status: 403, message: "This ingest key has been revoked." };
    this.touch(known.scope.keyId, now);
    return { ok: true, key: known.scope };
  }

  private touch(keyId: string, now: number): void {
    if (now - (this.touchedAt.get(keyId) ?? -Infinity) < this.options.touchEveryMs) return;
    this.touchedAt.set(keyId, now);
    this.sql`UPDATE ingest_keys SET last_used_at = now() WHERE id = ${keyId}`.catch((error: unknown) => this.options.onTouchError?.(error));
  }
}
