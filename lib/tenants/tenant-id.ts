import { z } from "zod";

/**
 * The one rule for tenant ids, shared by ingest, the dashboard and the `tenants_id_format`
 * check in db/schema.ts: a letter or digit, then up to 62 letters, digits, '_', '.' or '-',
 * and never "..". Ids end up in URLs, file names, log lines and set_config lists, so
 * separators like '/', '#', ',' and whitespace are refused, as Grafana Tempo refuses them.
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const TENANT_ID_MAX_LENGTH = 63;

export function isValidTenantId(value: unknown): value is string {
  return typeof value === "string" && TENANT_ID_PATTERN.test(value) && !value.includes("..");
}

export const tenantIdSchema = z.string().refine(isValidTenantId, {
  message: `A tenant id is 1 to ${TENANT_ID_MAX_LENGTH} letters, digits, '_', '.' or '-', starts with a letter or digit and has no "..".`,
});
