import { z } from "zod";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { resolveTimeRange, TimeRangeError, timeRangeParams, type TimeRange } from "@/lib/filters/time-range";
import { autoStep, STEP_NAMES, STEPS, type StepName } from "./step";

const many = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === "string" ? [v] : v));
const text = z.string().trim().min(1).max(200);

export const OPERATION_SORTS = ["p95", "errors", "time"] as const;
export type OperationSort = (typeof OPERATION_SORTS)[number];

/** The /latency URL (and GET /api/latency query): every filter of the view. */
export const latencyParams = timeRangeParams.extend({
  tenant: many.pipe(z.array(tenantIdSchema).max(50)).optional(),
  service: text.optional(),
  operation: text.optional(),
  step: z.enum(STEP_NAMES as [StepName, ...StepName[]], { message: `one of ${STEP_NAMES.join(", ")}` }).optional(),
  sort: z.enum(OPERATION_SORTS, { message: `one of ${OPERATION_SORTS.join(", ")}` }).optional(),
});

export type LatencyParams = z.infer<typeof latencyParams>;

export interface LatencyFilters {
  /** Tenants picked explicitly; empty means every tenant in the caller's scope. */
  tenants: string[];
  service: string | null;
  operation: string | null;
  range: TimeRange;
  step: StepName;
  stepMinutes: number;
  /** The step was chosen from the range rather than in the URL. */
  autoStep: boolean;
  sort: OperationSort;
}

/** The filters a request asks for; throws TimeRangeError for an impossible window. */
export function latencyFilters(params: LatencyParams, now = new Date()): LatencyFilters {
  const range = resolveTimeRange(params, "24h", now);
  const step = params.step ?? autoStep(range.to.getTime() - range.from.getTime());
  return {
    tenants: [...new Set(params.tenant ?? [])].sort(),
    service: params.service ?? null,
    operation: params.operation ?? null,
    range,
    step,
    stepMinutes: STEPS[step],
    autoStep: params.step === undefined,
    sort: params.sort ?? "p95",
  };
}

/** The /latency URL straight to filters; an impossible window is an issue of the parameter given (from, else to). */
export const latencyRequest = latencyParams.transform((params, ctx): LatencyFilters => {
  try {
    return latencyFilters(params);
  } catch (error) {
    if (!(error instanceof TimeRangeError)) throw error;
    ctx.addIssue({ code: "custom", path: [params.from ? "from" : "to"], message: error.message });
    return z.NEVER;
  }
});

/** The tenants the gate must check and record: only those picked; none means the caller's whole scope. */
export function requestedTenants(f: LatencyFilters): string[] | undefined {
  return f.tenants.length > 0 ? f.tenants : undefined;
}

/** What the audit row records of a latency query. */
export function auditDetails(f: LatencyFilters): Record<string, unknown> {
  return {
    from: f.range.from.toISOString(),
    to: f.range.to.toISOString(),
    service: f.service,
    operation: f.operation,
    step: f.step,
  };
}
