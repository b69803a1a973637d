import { FAILURES } from "./failures";
import { callService, db, query, search as searchCall } from "./infra";
import type { Handler } from "./web";

const HYDRATE = query("SELECT", "tasks", "SELECT id, title, project_id, status FROM tasks WHERE tenant_id = $1 AND id = ANY($2)", 1_600);
const MATCH = '{"query":{"bool":{"filter":[{"term":{"tenant_id":"?"}}],"must":{"multi_match":{"query":"?","fields":["title^2","body"]}}}},"size":?}';

/** Full-text search: usually fast, sometimes a cold shard makes it crawl, rarely it fails. */
export const searchTasks: Handler = (t, api, at) =>
  callService(t, api, "search-service", "GET", "/internal/search", at, (s, at) => {
    if (t.fails(0.003)) {
      const end = searchCall(t, s, at, "search", "tasks", MATCH, 30_000, { failure: FAILURES.searchUnavailable });
      return { end, status: 503, failure: FAILURES.searchUnavailable };
    }
    const slowdown = t.rng.chance(0.04) ? t.rng.between(25, 120) : 1;
    const end = searchCall(t, s, at, "search", "tasks", MATCH, 35_000, { slowdown });
    return { end: db(t, s, end + 40, HYDRATE), status: 200 };
  });
