import { NoAccess } from "@/components/shell/no-access";

/** HTTP 403 for a page the signed-in user's role does not allow, inside the dashboard shell. */
export default function Forbidden() {
  return <NoAccess />;
}
