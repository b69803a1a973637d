// The app's HTTP server: Next.js as a custom server, so that each request carries its socket
// address in a header only this server writes (lib/security/client-address.ts). Next itself
// hands the app only X-Forwarded-For, which is whatever the client chose to send.
// Usage: node app-server.mjs <dev|start> <port> <keep-alive ms> <peer-address header>
import http from "node:http";
import next from "next";

const [mode, portArg, keepAliveArg, peerHeader] = process.argv.slice(2);
const port = Number(portArg);
const dev = mode === "dev";
if (!dev) process.env.NODE_ENV = "production";
// Read by the app: the header is trustworthy because this process writes it on every request.
process.env.TE_PEER_ADDRESS_HEADER = peerHeader;

const app = next({ dev, port, hostname: "localhost" });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  // Node joins repeated headers under their lower-case name: this replaces every copy.
  req.headers[peerHeader] = req.socket.remoteAddress ?? "";
  void handle(req, res);
});
server.on("upgrade", app.getUpgradeHandler());
if (Number(keepAliveArg) > 0) server.keepAliveTimeout = Number(keepAliveArg);
server.listen(port, () => console.log(`[trace-explorer] Next.js ${dev ? "dev" : "production"} server on port ${port}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive sockets would hold close() open: end them, then leave regardless.
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
