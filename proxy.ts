import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth/config";

// A convenience redirect to the login page only: every page and route handler checks the
// session and role itself, so nothing depends on this running.
export const { auth: proxy } = NextAuth(authConfig);

export const config = {
  matcher: ["/((?!api|v1|_next/static|_next/image|favicon.ico|login).*)"],
};
