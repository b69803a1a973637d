import type { Metadata } from "next";
import Link from "next/link";
import { pageAccess } from "@/lib/auth/guard";
import { PageHeader } from "@/components/shell/page-header";

export const metadata: Metadata = { title: "Admin" };

const SECTIONS = [
  { href: "/admin/users", title: "Users", text: "Create users, set their role and tenant scope, disable or enable them." },
  { href: "/admin/ingest-keys", title: "Ingest keys", text: "Create and revoke the keys exporters send spans with." },
  { href: "/admin/retention", title: "Retention", text: "Retention per tenant, legal holds and the purge runs (ADR-010)." },
  { href: "/admin/tenants", title: "Tenants", text: "Every tenant with its retention, slow threshold and keep ratio." },
];

export default async function AdminPage() {
  await pageAccess("admin", { audit: "admin.view", resource: "/admin" });
  return (
    <>
      <PageHeader title="Admin" />
      <ul className="grid max-w-3xl gap-3 sm:grid-cols-2">
        {SECTIONS.map((section) => (
          <li key={section.href}>
            {/* Each admin page is an audited read: no prefetch. */}
            <Link
              href={section.href}
              prefetch={false}
              className="block rounded-lg border border-zinc-200 p-4 hover:border-sky-500 dark:border-zinc-800"
            >
              <span className="font-medium">{section.title}</span>
              <span className="mt-1 block text-zinc-600 dark:text-zinc-400">{section.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
