import type { Failure } from "../trace-builder";

/** Stack frames as a Node service prints them; paths and names only, never user data. */
function failure(type: string, message: string, frames: string[]): Failure {
  return { type, message, stacktrace: [`${type}: ${message}`, ...frames.map((f) => `    at ${f}`)].join("\n") };
}

const PG_FRAMES = [
  "ErrorResponse (/app/node_modules/postgres/cjs/src/connection.js:790:26)",
  "handle (/app/node_modules/postgres/cjs/src/connection.js:476:6)",
  "Socket.data (/app/node_modules/postgres/cjs/src/connection.js:315:9)",
];

export const FAILURES = {
  statementTimeout: failure("PostgresError", "canceling statement due to statement timeout", [
    ...PG_FRAMES,
    "TaskRepository.listByProject (/app/services/projects-service/dist/tasks/repository.js:88:19)",
  ]),
  deadlock: failure("PostgresError", "deadlock detected", [
    ...PG_FRAMES,
    "TaskRepository.insertBatch (/app/services/projects-service/dist/tasks/repository.js:141:7)",
  ]),
  serializationFailure: failure("PostgresError", "could not serialize access due to concurrent update", [
    ...PG_FRAMES,
    "SubscriptionRepository.update (/app/services/billing-service/dist/subscriptions/repository.js:57:11)",
  ]),
  redisTimeout: failure("ConnectionTimeoutError", "Redis command timed out after 250 ms", [
    "Timeout._onTimeout (/app/node_modules/@redis/client/dist/lib/client/socket.js:177:27)",
    "listOnTimeout (node:internal/timers:581:17)",
    "process.processTimers (node:internal/timers:519:7)",
  ]),
  providerUnavailable: failure("ProviderUnavailableError", "payments provider answered 503 Service Unavailable after 3 tries", [
    "PaymentsClient.request (/app/services/job-worker/dist/billing/payments-client.js:64:13)",
    "async SyncPaymentProvider.run (/app/services/job-worker/dist/billing/sync-payment-provider.js:31:5)",
    "async Worker.process (/app/services/job-worker/dist/worker.js:112:9)",
  ]),
  providerTimeout: failure("TimeoutError", "The operation was aborted due to timeout", [
    "AbortSignal.timeout (node:internal/abort_controller:129:7)",
    "PaymentsClient.request (/app/services/job-worker/dist/billing/payments-client.js:58:20)",
    "async Worker.process (/app/services/job-worker/dist/worker.js:112:9)",
  ]),
  searchUnavailable: failure("ResponseError", "search_phase_execution_exception: all shards failed", [
    "SniffingTransport.request (/app/node_modules/@opensearch-project/opensearch/lib/Transport.js:658:27)",
    "async SearchService.query (/app/services/search-service/dist/search.js:73:18)",
  ]),
  pushRejected: failure("PushDeliveryError", "push gateway answered 502 Bad Gateway", [
    "PushClient.send (/app/services/notification-service/dist/push/client.js:41:11)",
    "async TaskCreatedHandler.handle (/app/services/notification-service/dist/handlers/task-created.js:22:5)",
  ]),
  mailRejected: failure("MailDeliveryError", "mail provider answered 429 Too Many Requests", [
    "MailClient.send (/app/services/job-worker/dist/mail/client.js:38:11)",
    "async SendEmail.run (/app/services/job-worker/dist/mail/send-email.js:19:5)",
  ]),
  renderOutOfMemory: failure("RangeError", "Invalid string length", [
    "JSON.stringify (<anonymous>)",
    "ReportRenderer.render (/app/services/job-worker/dist/reports/renderer.js:77:25)",
    "async ReportExport.run (/app/services/job-worker/dist/reports/report-export.js:44:7)",
  ]),
} satisfies Record<string, Failure>;

/** What a caller throws when a service it called answered with a server error. */
export function upstreamFailure(service: string, status: number): Failure {
  return failure("UpstreamError", `${service} answered ${status}`, [
    "ServiceClient.call (/app/packages/service-client/dist/index.js:52:15)",
    "async handler (/app/services/web-api/dist/routes/index.js:118:22)",
  ]);
}
