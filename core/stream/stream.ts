// A stream: an async iterable of chunks, the shape a component's result takes
// when it streams. Everything else in core/stream/ is an operator over it.

export type Stream<T = unknown> = AsyncIterable<T>

export function isStream(value: unknown): value is Stream {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  )
}
