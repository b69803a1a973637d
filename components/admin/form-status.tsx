import type { AdminFormState } from "@/lib/admin/form-state";

/** The outcome of an admin form, announced to screen readers as it appears. */
export function FormStatus({ state }: { state: AdminFormState }) {
  if (state.error) {
    return (
      <p role="alert" className="text-red-600 dark:text-red-400">
        {state.error}
      </p>
    );
  }
  if (state.message) {
    return (
      <p role="status" className="text-emerald-700 dark:text-emerald-400">
        {state.message}
      </p>
    );
  }
  return null;
}
