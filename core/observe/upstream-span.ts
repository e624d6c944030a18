// What a plugin uses to report its outbound requests (re-exported by the
// plugin API): an `upstream` span, child of the component call it is part of.

import { startSpan } from './current-span.ts'
import type { Span } from './span.ts'

/**
 * Starts the span of one request to an upstream, named "METHOD host" ("METHOD"
 * alone when `url` is none, e.g. a stdio server); its
 * `http.url` is the URL without query or credentials (they may carry keys).
 * The caller ends it: `end('ok')`, or `end('error', error)`, with
 * `http.status_code` set once the answer's head came. Chunks it streams may be
 * counted on it (`span.chunk`).
 */
export function startUpstreamSpan(method: string, url: string | URL): Span {
  let host = ''
  let shown = ''
  try {
    const parsed = new URL(url)
    host = parsed.host
    shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  } catch {
    // not a URL: the request fails and says so
  }
  return startSpan('upstream', host ? `${method} ${host}` : method, {
    'http.method': method,
    ...(shown ? { 'http.url': shown } : {}),
  })
}
