// A stream a producer pushes into (a callback API, like a token streamer) and
// a consumer pulls from. Chunks wait in a queue until read; `end` and `fail`
// finish it. When the consumer stops early, `onAbandon` tells the producer.

import type { Stream } from './stream.ts'

export interface PushStream<T> {
  stream: Stream<T>
  push(chunk: T): void
  end(): void
  fail(error: unknown): void
}

export function pushStream<T>(onAbandon: () => void = () => {}): PushStream<T> {
  const queue: T[] = []
  let finished = false
  let failure: { error: unknown } | undefined
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }
  let abandoned = false
  const abandon = () => {
    if (abandoned || finished || failure) return
    abandoned = true
    onAbandon()
  }
  async function* read(): AsyncGenerator<T> {
    let done = false
    try {
      for (;;) {
        if (queue.length > 0) yield queue.shift()!
        else if (failure) throw failure.error
        else if (finished) {
          done = true
          return
        } else await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      if (!done) abandon()
    }
  }
  const inner = read()
  const stream: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => stream,
    next: () => inner.next(),
    return: (value?: unknown) => {
      abandon()
      return inner.return(value as T)
    },
    throw: (error?: unknown) => inner.throw(error),
  }
  return {
    stream,
    push(chunk) {
      if (finished || failure || abandoned) return
      queue.push(chunk)
      notify()
    },
    end() {
      finished = true
      notify()
    },
    fail(error) {
      failure = { error }
      notify()
    },
  }
}
