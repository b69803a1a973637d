/**
 * The one rule for tenant ids, shared by every service that carries them (and by the explorer's
 * ingest, dashboard and database checks): a letter or digit, then up to 62 letters, digits, '_',
 * '.' or '-', and never "..". Ids end up in URLs, file names, log lines and set_config lists, so
 * separators like '/', '#', ',' and whitespace are refused, as Grafana Tempo refuses them.
 * Imports nothing, so browser code can use it (`@trace-explorer/tracing/tenant-id`).
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const TENANT_ID_MAX_LENGTH = 63;

export function isValidTenantId(value: unknown): value is string {
  return typeof value === "string" && TENANT_ID_PATTERN.test(value) && !value.includes("..");
}
