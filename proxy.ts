import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/lib/auth/config";

const { auth } = NextAuth(authConfig);

// A convenience redirect to the login page only: every page and route handler checks the
// session and role itself, so nothing depends on this running.
const redirectSignedOut = auth((request) => {
  if (request.auth?.user) return NextResponse.next();
  const login = new URL("/login", request.nextUrl);
  login.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(login);
});

export function proxy(request: NextRequest, event: NextFetchEvent) {
  return redirectSignedOut(request, event as never);
}

export const config = {
  matcher: ["/((?!api|v1|_next/static|_next/image|favicon.ico|login).*)"],
};
