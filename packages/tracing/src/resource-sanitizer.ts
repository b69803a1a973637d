import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { sanitizeAttributes } from "./sanitize";

/**
 * Sanitized copies of resources. Spans and log records share a handful of resource objects, and
 * OTLP groups them by resource identity: each is sanitized once and the same copy handed out
 * every time.
 */
export class ResourceSanitizer {
  private readonly resources = new WeakMap<Resource, Resource>();
  private lastResource: Resource | undefined;
  private lastClean: Resource | undefined;

  sanitize(resource: Resource): Resource {
    // Nearly always the provider's one resource: skip even the WeakMap lookup for it.
    if (resource === this.lastResource && this.lastClean) return this.lastClean;
    let clean = this.resources.get(resource);
    if (!clean) {
      const attributes = sanitizeAttributes(resource.attributes);
      clean = attributes === resource.attributes ? resource : resourceFromAttributes(attributes, { schemaUrl: resource.schemaUrl });
      this.resources.set(resource, clean);
    }
    this.lastResource = resource;
    this.lastClean = clean;
    return clean;
  }
}
