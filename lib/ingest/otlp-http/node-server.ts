import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

/**
 * How long an idle keep-alive connection stays open, for this server and the app's: longer than
 * any Retry-After ingest sends (5 s), so an exporter that waited that long and reuses its idle
 * socket never meets the server closing it (ECONNRESET; Node's default is those same 5 s).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * Serves a Web `Request` → `Response` handler over plain node:http: the app's OTLP port
 * (lib/ingest/app-otlp-listener.ts), and the tests and benchmarks hosting the ingest handler
 * without Next. Loopback only unless a host is given.
 */
export async function serveHandler(handler: (request: Request) => Promise<Response>, port = 0, host = "127.0.0.1"): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      duplex: "half",
    } as RequestInit);
    handler(request)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        console.error("handler failed", error);
        res.writeHead(500).end();
      });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${actual}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
