// What a plugin reports of its outbound requests (core/observe/), for metrics
// and traces: re-exported by the plugin API (api.ts), one export a line.

/** Starts the `upstream` span of one request ("METHOD host"), child of the component call; end it with its status. */
export { startUpstreamSpan } from '../observe/upstream-span.ts'
/** A span: `set` an attribute (`http.status_code`), `event('retry')`, count a streamed `chunk`, `end(status, error)`. */
export { type Span, type SpanStatus } from '../observe/span.ts'
