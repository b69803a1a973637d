import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { navItemsFor } from "@/lib/auth/navigation";

// Each role lands on the first section it may open; a user with no role gets the shell's
// "no access" page.
export default async function Home() {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  redirect(navItemsFor(user.role)[0]?.href ?? "/traces");
}
