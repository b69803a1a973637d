import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { captureSpans } from "@trace-explorer/tracing/testing";
import { runRetentionJob } from "./traced-run";

let t: TestDatabase;
let capture: Awaited<ReturnType<typeof captureSpans>>;

beforeAll(async () => {
  t = await createTestDatabase();
  capture = await captureSpans({ serviceName: "retention-test" });
});

afterAll(async () => {
  await capture?.tracing.shutdown();
  await t?.drop();
});

it("a purge runs as a traced job: a consumer span continuing the producer's trace, with the job's ids", async () => {
  const result = await runRetentionJob(t, { trigger: "test" });
  expect(result.status).toBe("completed");

  const spans = capture.spans();
  const producer = spans.find((s) => s.name === "send retention");
  const consumer = spans.find((s) => s.name === "process retention");
  expect(producer).toBeDefined();
  expect(consumer).toBeDefined();
  expect(consumer!.spanContext().traceId).toBe(producer!.spanContext().traceId);
  expect(consumer!.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
  expect(consumer!.attributes).toMatchObject({ "job.name": "retention.purge", "job.queue": "retention", "job.attempt": 1 });
  expect(consumer!.attributes["job.id"]).toBe(producer!.attributes["job.id"]);
  expect(consumer!.attributes["request.id"]).toBe(producer!.attributes["request.id"]);
  expect(typeof producer!.attributes["request.id"]).toBe("string");
});
