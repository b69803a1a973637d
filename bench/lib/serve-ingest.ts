import { connect } from "../../db/connect";
import { ingestConfigFromEnv } from "../../lib/ingest/otlp-http/config";
import { serveHandler } from "../../lib/ingest/otlp-http/node-server";
import { createIngestHandler } from "../../lib/ingest/signals";

// The ingest benchmarks' node:http server (ingest-target.ts): DATABASE_URL, PORT.
// The app's pool size (DATABASE_POOL_MAX default) and the handler configured as the route does.
const sql = connect(process.env.DATABASE_URL!, { max: 10 });
const handler = createIngestHandler({ sql, config: ingestConfigFromEnv(process.env) });
await serveHandler(handler, Number(process.env.PORT));
