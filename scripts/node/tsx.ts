import { fileURLToPath } from "node:url";

/** Node's arguments to run a TypeScript entry point as `npm run` does: tsx, and `server-only` resolved as on Next's server. */
export const TSX_NODE_ARGS = ["--import", "tsx", "--import", fileURLToPath(new URL("server-only.mjs", import.meta.url))];
