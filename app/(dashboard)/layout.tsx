import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { navItemsFor } from "@/lib/auth/navigation";
import { Nav } from "@/components/shell/nav";
import { UserMenu } from "@/components/shell/user-menu";
import { QueryProvider } from "@/components/query-provider";
import { TimeZoneProvider } from "@/components/preferences/time-zone";
import { readPreferences } from "@/lib/preferences/server";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  const preferences = await readPreferences();
  return (
    <TimeZoneProvider setting={preferences.timeZone}>
      <div className="flex min-h-screen flex-col">
        <header className="flex h-11 items-center gap-4 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
          <Link href="/traces" prefetch={false} className="font-semibold tracking-tight">
            Trace Explorer
          </Link>
          <Nav items={navItemsFor(user.role)} />
          <div className="ml-auto">
            <UserMenu user={user} theme={preferences.theme} />
          </div>
        </header>
        <main className="flex-1 p-4">
          {/* Every page asks the gate itself; a user with no role gets its 403 and an audit row. */}
          <QueryProvider>{children}</QueryProvider>
        </main>
      </div>
    </TimeZoneProvider>
  );
}
