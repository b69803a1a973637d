import { getCurrentUser } from "@/lib/auth/current-user";
import { NoAccess } from "@/components/shell/no-access";

/** HTTP 403 for a page the signed-in user's role does not allow, inside the dashboard shell. */
export default async function Forbidden() {
  const user = await getCurrentUser();
  return <NoAccess what={user?.role ? "this page" : "anything in Trace Explorer yet"} />;
}
