/**
 * Job ids, event ids and request ids as the tracing library writes them (and a bit looser):
 * what Investigate → Lineage looks up, and what the waterfall may link there with.
 */
export const LINEAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
