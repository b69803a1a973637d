/** OTLP SpanKind, as the `kind` column holds it. */
export const SpanKind = { Unspecified: 0, Internal: 1, Server: 2, Client: 3, Producer: 4, Consumer: 5 } as const;

/** OTLP status code, as the `status_code` column holds it. */
export const SpanStatus = { Unset: 0, Ok: 1, Error: 2 } as const;
