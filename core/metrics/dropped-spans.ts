// Spans a tracer dropped (its export queue full, its backend down): counted
// here by core/trace/ and shown as `mc_trace_spans_dropped_total`. A plain
// number, so that counting costs nothing whether /metrics is served or not.

let dropped = 0

/** Counts spans a tracer could not send. */
export function countDroppedSpans(count = 1): void {
  dropped += count
}

/** Spans dropped since the process started. */
export function droppedSpans(): number {
  return dropped
}
