// Small operators over async iterables: the pipes a chunk travels through from
// a component to the client. Each pulls one chunk at a time from its source, so
// a slow consumer slows the producer (back-pressure) and nothing is buffered
// beyond the chunk in hand. Ending a consumer early (`return()`) ends its source.

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

export async function* map<T, U>(source: Stream<T>, fn: (chunk: T) => U): AsyncGenerator<U> {
  for await (const chunk of source) yield fn(chunk)
}

/** Drops null and undefined chunks (role-only deltas, pings, ...). */
export async function* compact<T>(source: Stream<T | null | undefined>): AsyncGenerator<T> {
  for await (const chunk of source) if (chunk !== null && chunk !== undefined) yield chunk
}

/** Runs `fn` once when the stream ends, fails or is abandoned by its consumer. */
export async function* onEnd<T>(source: Stream<T>, fn: () => void): AsyncGenerator<T> {
  try {
    yield* source
  } finally {
    fn()
  }
}

/** Reads a whole stream into one value: strings concatenated, other chunks listed. */
export async function drain(source: Stream): Promise<unknown> {
  const chunks: unknown[] = []
  let text = ''
  let allText = true
  for await (const chunk of source) {
    if (allText && typeof chunk === 'string') text += chunk
    else {
      if (allText) {
        allText = false
        if (text) chunks.push(text)
      }
      chunks.push(chunk)
    }
  }
  return allText ? text : chunks
}

/** Drains the value when it is a stream; returns other values as they are. */
export async function settle(value: unknown): Promise<unknown> {
  return isStream(value) ? drain(value) : value
}

/**
 * Yields `beat` whenever the source has had nothing to give for `ms`
 * (an SSE keep-alive comment), without losing the chunk still on its way.
 */
export async function* withHeartbeat<T, B>(source: Stream<T>, ms: number, beat: B): AsyncGenerator<T | B> {
  const iterator = source[Symbol.asyncIterator]()
  let pending: Promise<IteratorResult<T>> | undefined
  let finished = false
  try {
    for (;;) {
      pending ??= iterator.next()
      let timer: ReturnType<typeof setTimeout> | undefined
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(resolve, ms, 'tick')))
      const next = await Promise.race([pending, tick])
      clearTimeout(timer)
      if (next === 'tick') {
        yield beat
        continue
      }
      pending = undefined
      if (next.done) {
        finished = true
        return
      }
      yield next.value
    }
  } finally {
    // A read still in flight settles when the run's AbortSignal fires; do not wait for it.
    if (!finished) iterator.return?.()?.catch(() => {})
  }
}

/**
 * A pull-based byte stream for an HTTP response: each pull takes one chunk from
 * the source. When the client goes away, `onCancel` runs and the source is ended.
 */
export function toReadableStream(source: Stream<string | Uint8Array>, onCancel: () => void): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next()
          if (next.done) controller.close()
          else controller.enqueue(typeof next.value === 'string' ? encoder.encode(next.value) : next.value)
        } catch (error) {
          controller.error(error)
        }
      },
      cancel() {
        onCancel()
        iterator.return?.()?.catch(() => {})
      },
    },
    { highWaterMark: 0 },
  )
}
