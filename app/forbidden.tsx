import Link from "next/link";
import { NoAccess } from "@/components/shell/no-access";

/** HTTP 403 outside the dashboard shell; inside it, app/(dashboard)/forbidden.tsx keeps the header. */
export default function Forbidden() {
  return (
    <main className="p-4">
      <NoAccess />
      <p className="mt-4 text-center">
        <Link href="/" prefetch={false} className="text-sky-700 hover:underline dark:text-sky-400">
          Back to Trace Explorer
        </Link>
      </p>
    </main>
  );
}
