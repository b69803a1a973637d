import "server-only";
import type { Sql } from "@/db/connect";
import { generateIngestKey, hashIngestKey, ingestKeyPrefix } from "@/lib/ingest/otlp-http/key-material";
import { AdminRefusal, applyAdminChange, refused, type AdminContext, type AdminResult } from "./change";
import { createKeyInput, firstProblem, revokeKeyInput, type CreateKeyInput, type RevokeKeyInput } from "./input";

export interface NewIngestKey {
  id: string;
  /** The secret itself: shown to the admin once, never stored. */
  key: string;
  prefix: string;
}

/** A key for one tenant, or a platform collector key (no tenant) that may write any tenant. */
export async function createKey(sql: Sql, ctx: AdminContext, raw: CreateKeyInput): Promise<AdminResult<NewIngestKey>> {
  const parsed = createKeyInput.safeParse(raw);
  if (!parsed.success) return refused(firstProblem(parsed.error));
  const { name, tenantId } = parsed.data;
  return applyAdminChange(sql, ctx, { action: "admin.key.create", resource: "ingest_key" }, async (tx) => {
    if (tenantId !== null) {
      const [tenant] = await tx`SELECT 1 FROM tenants WHERE id = ${tenantId}`;
      if (!tenant) throw new AdminRefusal(`There is no tenant "${tenantId}".`);
    }
    const key = generateIngestKey();
    const prefix = ingestKeyPrefix(key);
    const [row] = await tx<{ id: string }[]>`
      INSERT INTO ingest_keys (name, prefix, key_hash, tenant_id, created_by)
      VALUES (${name}, ${prefix}, ${hashIngestKey(key)}, ${tenantId}, ${ctx.actor.id})
      RETURNING id`;
    return {
      value: { id: row!.id, key, prefix },
      change: {
        resource: `ingest_key:${row!.id}`,
        tenants: tenantId ? [tenantId] : [],
        old: null,
        // The prefix identifies the key; the key and its hash never reach the audit log.
        new: { name, prefix, tenantId, platform: tenantId === null },
      },
    };
  });
}

/** Revokes a key: every later request with it is refused (401). */
export async function revokeKey(sql: Sql, ctx: AdminContext, raw: RevokeKeyInput): Promise<AdminResult> {
  const parsed = revokeKeyInput.safeParse(raw);
  if (!parsed.success) return refused(firstProblem(parsed.error));
  const { keyId } = parsed.data;
  return applyAdminChange(sql, ctx, { action: "admin.key.revoke", resource: `ingest_key:${keyId}` }, async (tx) => {
    const [key] = await tx<{ name: string; prefix: string; tenant_id: string | null; revoked_at: Date | null }[]>`
      SELECT name, prefix, tenant_id, revoked_at FROM ingest_keys WHERE id = ${keyId} FOR UPDATE`;
    if (!key) throw new AdminRefusal("There is no such key.");
    if (key.revoked_at) throw new AdminRefusal(`The key ${key.prefix}… is already revoked.`);
    const [row] = await tx<{ revoked_at: Date }[]>`UPDATE ingest_keys SET revoked_at = now() WHERE id = ${keyId} RETURNING revoked_at`;
    const identity = { name: key.name, prefix: key.prefix, tenantId: key.tenant_id };
    return {
      value: undefined,
      change: {
        resource: `ingest_key:${keyId}`,
        tenants: key.tenant_id ? [key.tenant_id] : [],
        old: { ...identity, revokedAt: null },
        new: { ...identity, revokedAt: row!.revoked_at.toISOString() },
      },
    };
  });
}

export interface IngestKeyRow {
  id: string;
  name: string;
  prefix: string;
  tenantId: string | null;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Every key, newest first, without its hash. */
export async function listKeys(sql: Sql): Promise<IngestKeyRow[]> {
  return sql<IngestKeyRow[]>`
    SELECT k.id, k.name, k.prefix, k.tenant_id AS "tenantId", u.email AS "createdBy",
           k.created_at AS "createdAt", k.last_used_at AS "lastUsedAt", k.revoked_at AS "revokedAt"
    FROM ingest_keys k LEFT JOIN users u ON u.id = k.created_by
    ORDER BY k.created_at DESC, k.id`;
}
