import { createHash } from "node:crypto";

/**
 * The stable 64-bit id of a resource: the first 8 bytes of SHA-256 over its attributes with
 * sorted keys, read as a signed bigint. The same attributes always give the same id, so rows
 * are shared across runs and across tenants. `more` (JSON values) joins the hash when given:
 * a resource's schema URL and dropped count when set (so earlier ids stay), a scope's fields.
 */
export function resourceId(attributes: Record<string, unknown>, more?: readonly unknown[]): bigint {
  const sorted = Object.keys(attributes).sort().map((k) => [k, sortedKeys(attributes[k])]);
  const canonical = JSON.stringify(more ? [sorted, ...more] : sorted);
  return createHash("sha256").update(canonical).digest().readBigInt64BE(0);
}

/** An instrumentation scope's fields, as `scopes` holds them. */
export interface ScopeFields {
  name: string;
  version: string;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** The stable 64-bit id of an instrumentation scope, over all its fields (as resourceId). */
export function scopeId(scope: ScopeFields): bigint {
  return resourceId(scope.attributes, ["scope", scope.name, scope.version, scope.droppedAttributesCount, scope.schemaUrl]);
}

/**
 * A value with the keys of every nested object (a kvlist) sorted: jsonb keeps no key order,
 * so a kvlist read back (an export sent again) must hash as it did when first received.
 */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(value).sort()) out[k] = sortedKeys((value as Record<string, unknown>)[k]);
  return out;
}
