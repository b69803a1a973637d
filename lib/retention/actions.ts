"use server";

import { revalidatePath } from "next/cache";
import { getSql } from "@/lib/db/client";
import { authorize } from "@/lib/auth/gate";
import { env } from "@/lib/config/env";
import { isValidTenantId } from "@/lib/tenants/tenant-id";
import type { ActionState } from "./action-state";
import { retentionSettingsSchema } from "./policy";
import { summarize } from "./run";
import { updateTenantRetention } from "./settings";
import { runRetentionJob } from "./traced-run";

const PAGE = "/admin/retention";
const NOT_ALLOWED: ActionState = { error: "Your role does not allow changing retention." };

export async function updateRetentionAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const tenantId = form.get("tenantId");
  const parsed = retentionSettingsSchema.safeParse({
    retentionDays: form.get("retentionDays"),
    keptRetentionDays: form.get("keptRetentionDays"),
    slowThresholdMs: form.get("slowThresholdMs"),
    legalHold: form.get("legalHold") === "on",
  });
  if (!isValidTenantId(tenantId) || !parsed.success) {
    const problem = parsed.success ? "unknown tenant" : parsed.error.issues[0]!.message;
    // The attempt is recorded like any other decision, with what was wrong.
    const decision = await authorize("admin", {
      audit: "admin.retention.update",
      resource: `tenants/${String(tenantId)}`,
      details: { rejected: "invalid input", problem },
    });
    return decision.allowed ? { error: `${problem}. Nothing was changed.` } : NOT_ALLOWED;
  }
  const outcome = await updateTenantRetention(getSql(), tenantId, parsed.data, async (change) => {
    const decision = await authorize("admin", {
      audit: "admin.retention.update",
      resource: `tenants/${tenantId}`,
      tenants: [tenantId],
      details: { old: change.old, new: change.new },
    });
    return decision.allowed;
  });
  if (outcome === "denied") return NOT_ALLOWED;
  if (outcome === "unknown tenant") return { error: `There is no tenant "${tenantId}". Nothing was changed.` };
  revalidatePath(PAGE);
  return { message: outcome === "updated" ? `Saved ${tenantId}.` : `${tenantId} already had these settings.` };
}

export async function runNowAction(): Promise<ActionState> {
  const decision = await authorize("admin", { audit: "admin.retention.run_now", resource: PAGE });
  if (!decision.allowed) return { error: "Your role does not allow running the purge." };
  const result = await runRetentionJob({ sql: getSql(), url: env().DATABASE_URL }, { trigger: `admin:${decision.user.email}` });
  revalidatePath(PAGE);
  if (result.status === "busy") return { error: `A run is already in progress${result.runId ? ` (${result.runId})` : ""}; try again when it has finished.` };
  const { traces, spans } = summarize(result.counts);
  return result.status === "completed"
    ? { message: `Run completed: ${traces} traces and ${spans} spans removed, ${result.partitionsDropped.length} daily partitions dropped.` }
    : { error: `Run ${result.status}: ${result.error ?? "see the run history"}.` };
}
