import { isValidTenantId, TENANT_ID_MAX_LENGTH } from "@trace-explorer/tracing/tenant-id";
import { z } from "zod";

// The rule itself is the tracing library's, so the services that send traces and the explorer
// that stores them (ingest, dashboard, the `tenants_id_format` check in db/schema.ts) agree.
export { isValidTenantId };

export const tenantIdSchema = z.string().refine(isValidTenantId, {
  message: `A tenant id is 1 to ${TENANT_ID_MAX_LENGTH} letters, digits, '_', '.' or '-', starts with a letter or digit and has no "..".`,
});
