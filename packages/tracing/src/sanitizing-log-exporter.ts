import type { LogAttributes, LogBody } from "@opentelemetry/api-logs";
import type { ExportResult } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { ResourceSanitizer } from "./resource-sanitizer";
import { sanitizeString, sanitizeValue } from "./sanitize";

/**
 * Sanitizes every log record on its way out (body, attributes, event name, resource) by the
 * rules spans go through: it sits just before the exporter, off the request path, so nothing a
 * log call wrote leaves the process unsanitized.
 */
export class SanitizingLogExporter implements LogRecordExporter {
  private readonly resources = new ResourceSanitizer();

  constructor(private readonly next: LogRecordExporter) {}

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.next.export(
      records.map((record) => this.sanitize(record)),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  sanitize(record: ReadableLogRecord): ReadableLogRecord {
    const body = sanitizeValue(record.body) as LogBody | undefined;
    const attributes = sanitizeValue(record.attributes) as LogAttributes;
    const eventName = record.eventName === undefined ? undefined : sanitizeString(record.eventName);
    const resource = this.resources.sanitize(record.resource);
    if (body === record.body && attributes === record.attributes && eventName === record.eventName && resource === record.resource) return record;
    return {
      hrTime: record.hrTime,
      hrTimeObserved: record.hrTimeObserved,
      spanContext: record.spanContext,
      severityText: record.severityText,
      severityNumber: record.severityNumber,
      body,
      eventName,
      resource,
      instrumentationScope: record.instrumentationScope,
      attributes,
      droppedAttributesCount: record.droppedAttributesCount,
    };
  }
}
