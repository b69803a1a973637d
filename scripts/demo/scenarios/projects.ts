import { SpanKind } from "../../../db/span-codec/kind-and-status";
import type { DemoSpan, TraceBuilder } from "../trace-builder";
import { enqueueJob, insertOutboxEvent, relayOutboxEvent, type EventHandler, type JobSpec } from "./async";
import { FAILURES } from "./failures";
import { BEGIN, cached, callService, COMMIT, db, query, redis, ROLLBACK, search, STATEMENT_TIMEOUT_US, type Query, type Served } from "./infra";
import type { Endpoint, Handler } from "./web";

const PROJECTS = query("SELECT", "projects", "SELECT id, name, owner_id, updated_at FROM projects WHERE tenant_id = $1 ORDER BY updated_at DESC LIMIT $2", 1_400);
const PROJECT = query("SELECT", "projects", "SELECT id, name, owner_id, settings FROM projects WHERE tenant_id = $1 AND id = $2", 700);
const COUNT_PROJECTS = query("SELECT", "projects", "SELECT count(*) FROM projects WHERE tenant_id = $1", 1_100);
const TASKS = query("SELECT", "tasks", "SELECT id, title, status, assignee_id, due_at FROM tasks WHERE tenant_id = $1 AND project_id = $2 ORDER BY position LIMIT $3", 2_200);
const USER = query("SELECT", "users", "SELECT id, display_name, avatar_url FROM users WHERE tenant_id = $1 AND id = $2", 450);
const INSERT_TASK = query("INSERT", "tasks", "INSERT INTO tasks (id, tenant_id, project_id, title, status, position) VALUES ($1, $2, $3, $4, $5, $6)", 900);
const UPDATE_TASK = query("UPDATE", "tasks", "UPDATE tasks SET status = $1, assignee_id = $2, updated_at = now() WHERE tenant_id = $3 AND id = $4", 1_000);
const SUBSCRIBERS = query("SELECT", "task_watchers", "SELECT user_id FROM task_watchers WHERE tenant_id = $1 AND project_id = $2", 600);
const INSERT_NOTIFICATIONS = query("INSERT", "notifications", "INSERT INTO notifications (id, tenant_id, user_id, kind, ref_id) SELECT $1, $2, unnest($3::text[]), $4, $5", 1_100);

export const getProject: Handler = (t, api, at) =>
  callService(t, api, "projects-service", "GET", "/internal/projects/{id}", at, (s, at) => {
    if (t.rng.chance(0.01)) return { end: db(t, s, at, PROJECT), status: 404 };
    return { end: cached(t, s, at, "project:?", 0.75, PROJECT), status: 200 };
  });

export const listProjects: Handler = (t, api, at) =>
  callService(t, api, "projects-service", "GET", "/internal/projects", at, (s, at) => {
    const end = cached(t, s, at, "projects:?:page:?", 0.55, PROJECTS);
    return { end: db(t, s, end + 20, COUNT_PROJECTS), status: 200 };
  });

/** The task board, with a classic N+1: one query per task to load its assignee. */
export const listTasks: Handler = (t, api, at) =>
  callService(t, api, "projects-service", "GET", "/internal/projects/{id}/tasks", at, (s, at) => {
    const timeout = t.fails(0.004);
    let end = db(t, s, at, TASKS, timeout ? { failure: FAILURES.statementTimeout, durationUs: STATEMENT_TIMEOUT_US } : {});
    if (timeout) return { end, status: 500, failure: FAILURES.statementTimeout };
    const tasks = Math.floor(t.rng.next() ** 2 * 45) + 1;
    for (let i = 0; i < tasks; i++) end = db(t, s, end + 15, USER);
    return { end, status: 200 };
  });

const notifyWatchers: EventHandler = {
  service: "notification-service",
  work: (t, span, at) => {
    let end = db(t, span, at, SUBSCRIBERS);
    end = db(t, span, end + 30, INSERT_NOTIFICATIONS);
    end = redis(t, span, end + 20, "PUBLISH", "notifications:?");
    if (t.fails(0.01)) return { end, failure: FAILURES.pushRejected };
    return { end };
  },
};

/** Search indexes the task; `slowdown` stretches the index call (the demo's regression, showcase.ts). */
const indexTask = (slowdown: number): EventHandler => ({
  service: "search-service",
  work: (t, span, at) => ({ end: search(t, span, at, "index", "tasks", "PUT /tasks/_doc/?", 6_000, { slowdown }) }),
});

const taskDigest: JobSpec = {
  name: "task-digest",
  queue: "notifications",
  maxAttempts: 3,
  work: (t, span, at) => {
    let end = db(t, span, at, SUBSCRIBERS);
    end = t.leaf(span, "job-worker", "digest.render", SpanKind.Internal, end + 20, t.latency(4_000, 0.5));
    return { end: db(t, span, end + 20, INSERT_NOTIFICATIONS) };
  },
};

function writeTask(t: TraceBuilder, s: DemoSpan, at: number, statement: Query, eventName: string, created: boolean, indexSlowdown = 1): Served {
  if (t.rng.chance(0.02)) return { end: at + t.latency(300, 0.3), status: 422 };
  let end = db(t, s, at, BEGIN);
  const conflict = t.fails(0.003);
  end = db(t, s, end + 10, statement, conflict ? { failure: FAILURES.deadlock, slowdown: 40 } : {});
  if (conflict) return { end: db(t, s, end + 10, ROLLBACK), status: 500, failure: FAILURES.deadlock };
  const event = insertOutboxEvent(t, s, end + 10, eventName);
  end = db(t, s, event.insertedAt + 10, COMMIT);
  relayOutboxEvent(t, event, end, created ? [notifyWatchers, indexTask(indexSlowdown)] : [indexTask(indexSlowdown)]);
  end = redis(t, s, end + 20, "DEL", "tasks:?:board");
  return { end, status: created ? 201 : 200 };
}

export const createTask: Handler = (t, api, at) => {
  const served = callService(t, api, "projects-service", "POST", "/internal/projects/{id}/tasks", at, (s, at) =>
    writeTask(t, s, at, INSERT_TASK, "task.created", true),
  );
  // Watchers get a digest a little later: a background job that continues this request's trace.
  if (served.status === 201 && t.rng.chance(0.5)) return { ...served, end: enqueueJob(t, api, served.end + 30, taskDigest) };
  return served;
};

export const UPDATE_TASK_ENDPOINT: Endpoint = { method: "PATCH", route: "/api/tasks/:taskId", auth: "session", priority: "normal" };

/** A task update, its search indexing `indexSlowdown` times slower than usual. */
export const updateTaskIndexedAt =
  (indexSlowdown: number): Handler =>
  (t, api, at) =>
    callService(t, api, "projects-service", "PATCH", "/internal/tasks/{id}", at, (s, at) => writeTask(t, s, at, UPDATE_TASK, "task.updated", false, indexSlowdown));

export const updateTask = updateTaskIndexedAt(1);
