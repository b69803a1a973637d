// Database modules are marked `import "server-only"`, which Next resolves to an empty module for
// the server and to an error for the browser. Scripts, benches and the soak run the same modules
// in plain Node, where the package would throw: resolve it there as Next's server does
// (`--import ./scripts/node/server-only.mjs`; vitest aliases it the same way).
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`export async function resolve(specifier, context, nextResolve) {
      return nextResolve(specifier, specifier === "server-only" ? { ...context, conditions: [...context.conditions, "react-server"] } : context);
    }`),
);
