/**
 * Attribute names the library writes and ingest understands (DESIGN.md, "Attribute
 * conventions"). `tenant.id` and `request.id` become columns at ingest.
 */
export const ATTR_TENANT_ID = "tenant.id";
export const ATTR_REQUEST_ID = "request.id";
export const ATTR_JOB_ID = "job.id";
export const ATTR_JOB_NAME = "job.name";
export const ATTR_JOB_QUEUE = "job.queue";
export const ATTR_JOB_ATTEMPT = "job.attempt";
export const ATTR_EVENT_ID = "event.id";
export const ATTR_EVENT_NAME = "event.name";
export const ATTR_SECURITY_OPERATION = "security.operation";
export const ATTR_SAMPLING_PRIORITY = "sampling.priority";
/** Written on a kept local root: why it was kept, and the ratio when kept by chance. */
export const ATTR_SAMPLING_REASON = "sampling.reason";
export const ATTR_SAMPLING_RATIO = "sampling.ratio";

// Messaging conventions are still "incubating" in @opentelemetry/semantic-conventions, whose
// docs advise copying them rather than importing the unstable entry point.
export const ATTR_MESSAGING_SYSTEM = "messaging.system";
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
export const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name";
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";

export const PRIORITIES = ["low", "normal", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];
