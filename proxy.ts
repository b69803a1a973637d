import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/lib/auth/config";
import { isValidRequestId, newRequestId } from "@/lib/tracing/ids";

const { auth } = NextAuth(authConfig);

// A convenience redirect to the login page, and a request id for every page request (kept
// when the upstream sent a valid one), which the audit rows and logs of the page carry.
// Every page and route handler checks the session and role itself: nothing depends on this.
const redirectSignedOut = auth((request) => {
  const upstream = request.headers.get("x-request-id");
  const requestId = isValidRequestId(upstream) ? upstream : newRequestId();
  if (!request.auth?.user) {
    const login = new URL("/login", request.nextUrl);
    login.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
    const response = NextResponse.redirect(login);
    response.headers.set("x-request-id", requestId);
    return response;
  }
  const forwarded = new Headers(request.headers);
  forwarded.set("x-request-id", requestId);
  const response = NextResponse.next({ request: { headers: forwarded } });
  response.headers.set("x-request-id", requestId);
  return response;
});

export function proxy(request: NextRequest, event: NextFetchEvent) {
  return redirectSignedOut(request, event as never);
}

export const config = {
  matcher: ["/((?!api|v1|_next/static|_next/image|favicon.ico|login).*)"],
};
