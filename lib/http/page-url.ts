/**
 * The page's own path and query, which the proxy forwards to the server components: the
 * forbidden page reads it to tell which part of the address was refused. Set by the proxy on
 * every page request (any value a client sends is replaced); used for wording only, never to decide access.
 */
export const PAGE_URL_HEADER = "x-page-url";
