import type { ActionState } from "@/lib/retention/action-state";

export function ActionMessage({ state }: { state: ActionState }) {
  if (state.error) return <p role="alert" className="text-sm text-red-700 dark:text-red-400">{state.error}</p>;
  if (state.message) return <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">{state.message}</p>;
  return null;
}
