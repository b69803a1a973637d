import { z } from "zod";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { repeated, text } from "./search-params";

export const AUTOCOMPLETE_FIELDS = ["service", "operation", "attribute_key"] as const;
export type AutocompleteField = (typeof AUTOCOMPLETE_FIELDS)[number];

/** `GET /api/autocomplete?field=service&prefix=bil&tenant=acme`. */
export const autocompleteParamsSchema = z.object({
  field: z.enum(AUTOCOMPLETE_FIELDS, { error: `must be one of ${AUTOCOMPLETE_FIELDS.join(", ")}` }),
  prefix: z.union([z.literal(""), text(100)]).default(""),
  tenant: repeated(tenantIdSchema, 100, "tenants").optional(),
});

export type AutocompleteParams = z.output<typeof autocompleteParamsSchema>;
