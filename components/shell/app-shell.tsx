import Link from "next/link";
import { navItemsFor } from "@/lib/auth/navigation";
import type { AccessProfile } from "@/lib/auth/users";
import { NavigationProgress, PageArea } from "@/components/shell/navigation-progress";
import { QueryProvider } from "@/components/query-provider";
import { TimeZoneProvider } from "@/components/preferences/time-zone";
import { readPreferences } from "@/lib/preferences/server";
import { Nav } from "./nav";
import { UserMenu } from "./user-menu";

/** The header, navigation and main area of every signed-in page, dead ends (not found, errors) included. */
export async function AppShell({ user, children }: { user: AccessProfile; children: React.ReactNode }) {
  const preferences = await readPreferences();
  return (
    <TimeZoneProvider setting={preferences.timeZone}>
    <NavigationProgress>
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
          <QueryProvider>
            <PageArea>{children}</PageArea>
          </QueryProvider>
        </main>
      </div>
    </NavigationProgress>
    </TimeZoneProvider>
  );
}
