import { z } from "zod";
import { SORT_DIRS, SORT_KEYS, type SortDir, type SortKey } from "./search-params";

/**
 * The keyset page cursor: the sort it belongs to and the last row's sort value and identity
 * (tenant, trace), as base64url JSON. Opaque to clients, validated on the way back in: a
 * tampered or foreign cursor is a 400, never a query.
 */
export interface SearchCursor {
  sort: SortKey;
  dir: SortDir;
  /** The sort column of the last row: microseconds since the epoch for start, else the count or nanoseconds. */
  value: string;
  tenantId: string;
  traceId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cursorSchema = z.tuple([
  z.enum(SORT_KEYS),
  z.enum(SORT_DIRS),
  z.string().regex(/^-?\d{1,20}$/),
  z.string().min(1).max(63),
  z.string().regex(UUID),
]);

export class CursorError extends Error {}

export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.dir, c.value, c.tenantId, c.traceId])).toString("base64url");
}

/** The cursor for this sort, or CursorError when it is malformed or from another sort. */
export function decodeCursor(raw: string, sort: SortKey, dir: SortDir): SearchCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new CursorError("cursor: is not a valid page cursor");
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new CursorError("cursor: is not a valid page cursor");
  const [cSort, cDir, value, tenantId, traceId] = parsed.data;
  if (cSort !== sort || cDir !== dir) throw new CursorError("cursor: belongs to another sort order; start again from the first page");
  return { sort: cSort, dir: cDir, value, tenantId, traceId };
}
