import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";

/** A sub-page's title with the way back to the admin index. */
export function AdminHeader({ title }: { title: string }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-1 text-zinc-500">
        <Link href="/admin" prefetch={false} className="hover:underline">
          Admin
        </Link>{" "}
        /
      </nav>
      <PageHeader title={title} />
    </>
  );
}
