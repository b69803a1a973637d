"use client";

import { useActionState } from "react";
import { revokeKeyAction } from "@/lib/admin/actions";
import type { AdminFormState } from "@/lib/admin/form-state";
import { FormStatus } from "./form-status";
import { quietButton } from "./styles";

export function RevokeKeyButton({ keyId, label }: { keyId: string; label: string }) {
  const [state, action, pending] = useActionState<AdminFormState, FormData>(revokeKeyAction, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="keyId" value={keyId} />
      <button type="submit" disabled={pending} aria-label={`Revoke ${label}`} className={quietButton}>
        Revoke
      </button>
      {state.error && <FormStatus state={state} />}
    </form>
  );
}
