import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { ingestKeys, tenants } from "@/db/schema";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { generateIngestKey, hashIngestKey, ingestKeyPrefix } from "./key-material";

export class IngestKeyError extends Error {
  override readonly name = "IngestKeyError";
}

export interface CreatedIngestKey {
  id: string;
  /** The secret itself: returned once, never stored. */
  key: string;
  prefix: string;
  name: string;
  tenantId: string | null;
}

const createInput = z.object({
  tenantId: tenantIdSchema.nullable(),
  name: z.string().trim().min(1, "A key name cannot be empty.").max(200).optional(),
  createdBy: z.uuid().optional(),
});

/** A key for one tenant, or with `tenantId: null` a platform collector key for any tenant. */
export async function createIngestKey(db: Db, input: z.input<typeof createInput>): Promise<CreatedIngestKey> {
  const parsed = createInput.safeParse(input);
  if (!parsed.success) throw new IngestKeyError(parsed.error.issues.map((i) => i.message).join(" "));
  const { tenantId, createdBy } = parsed.data;
  if (tenantId !== null) {
    const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
    if (!tenant) throw new IngestKeyError(`There is no tenant "${tenantId}".`);
  }
  const key = generateIngestKey();
  const name = parsed.data.name ?? (tenantId ? `${tenantId} ingest key` : "platform collector key");
  const [row] = await db
    .insert(ingestKeys)
    .values({ name, prefix: ingestKeyPrefix(key), keyHash: hashIngestKey(key), tenantId, createdBy })
    .returning({ id: ingestKeys.id, prefix: ingestKeys.prefix });
  return { id: row!.id, key, prefix: row!.prefix, name, tenantId };
}

export type IngestKeyInfo = Omit<typeof ingestKeys.$inferSelect, "keyHash" | "createdBy">;

export async function listIngestKeys(db: Db): Promise<IngestKeyInfo[]> {
  return db
    .select({
      id: ingestKeys.id,
      name: ingestKeys.name,
      prefix: ingestKeys.prefix,
      tenantId: ingestKeys.tenantId,
      createdAt: ingestKeys.createdAt,
      revokedAt: ingestKeys.revokedAt,
      lastUsedAt: ingestKeys.lastUsedAt,
    })
    .from(ingestKeys)
    .orderBy(asc(ingestKeys.createdAt));
}

/** Revokes a key at once for every new request; false when there is no such active key. */
export async function revokeIngestKey(db: Db, id: string): Promise<boolean> {
  if (!z.uuid().safeParse(id).success) throw new IngestKeyError(`"${id}" is not a key id (a UUID, as \`list\` shows).`);
  const revoked = await db
    .update(ingestKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(ingestKeys.id, id), isNull(ingestKeys.revokedAt)))
    .returning({ id: ingestKeys.id });
  return revoked.length > 0;
}
