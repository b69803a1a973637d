import type { UserRole } from "@/db/schema";
import { ROLE_LABELS } from "@/lib/auth/roles";

/** The role choices of a select; "none" stands for a user without a role. */
export function RoleOptions() {
  return (
    <>
      {(Object.entries(ROLE_LABELS) as [UserRole, string][]).map(([role, label]) => (
        <option key={role} value={role}>
          {label}
        </option>
      ))}
      <option value="none">No role</option>
    </>
  );
}
