// The observation layer: how mc's code reports what happens, and how metrics
// (core/metrics/) and traces (core/trace/) learn of it. Everything is a span:
//
//   kind        name                 made where                          attributes
//   run         the workflow id      core/controller/task-run.ts         workflow.id, task.id, api_key.name
//                                    (and core/queue/worker/worker-task.ts)  task.handed_over: another process runs it on
//   job         the job id           core/workflow/engine.ts             workflow.id, job.id; job.next_job_id (routed),
//                                                                       job.run_count (core/workflow/jobs/component.ts)
//   component   the component id     core/workflow/component-runtime.ts  component.id, component.type
//   upstream    "METHOD host"        plugins through the plugin API      http.method, http.url (no query),
//                                    (upstream-span.ts): http-client,    http.status_code; mcp.tool
//                                    mcp-client ("tools/call host")
//
// A run span ends with the task's outcome (a streamed run: after its last
// chunk); a job span when its result is given (a streamed result goes on in
// its component's span, which ends with the stream); an upstream span with
// its body. An upstream span's component is its parent's `component.id`.
//
// A span's parent is the span current where it started (AsyncLocalStorage,
// current-span.ts): run > job > component > upstream, and a component that
// runs a workflow (an agent's tool) nests that workflow's jobs under it.
// Events on a span: `first_chunk` (the first streamed chunk, at
// span.firstChunkAt), `retry` (an attempt failed and another follows: on the
// job span for a job's `retry`, on the upstream span for a component's own,
// http-client's max_retries), `stream` (the run's output began to stream). Chunks are only
// counted (span.chunks, span.bytes): read them at the end. `end(status,
// error)` ends a span once: status `ok`, `error` or `cancelled`; span.error
// holds the message with secrets masked.
//
// To observe: `addObserver({ onStart, onEvent, onEnd })` (returns its removal).
// Callbacks run synchronously on the hot path: be quick, never throw (a throw
// is dropped), keep per-span state on a WeakMap<Span, ...> or a Map by
// span.id. With no observer, startSpan gives NOOP_SPAN (recording: false) and
// nothing is allocated or stored: check `span.recording` before costly work.
//
// A tracer that drops spans counts them with countDroppedSpans
// (core/metrics/dropped-spans.ts): `mc_trace_spans_dropped_total`.
//
// Task-store writes are not spans: `timedStoreWrite` (or `storeWriteTimer`) tells `onStoreWrite`.
//
// To report: `spanned(kind, name, attributes, signal, work)` for work that
// ends when its promise settles; `startSpan` + `inSpan(span, work)` +
// `span.end(...)` for work that outlives it (a stream).

export { type Span, type SpanKind, type SpanStatus, type SpanAttributes, type SpanEvent, type SpanEventName, type AttributeValue, NOOP_SPAN, nowMs, durationSeconds } from './span.ts'
export { type Observer, addObserver, observing } from './observers.ts'
export { startUpstreamSpan } from './upstream-span.ts'
export { startRunLog, type RunLogOptions } from './run-log.ts'
export { timedStoreWrite, storeWriteTimer, type StoreWrite } from './store-writes.ts'
export { currentSpan, startSpan, inSpan, spanned, failureStatus } from './current-span.ts'
