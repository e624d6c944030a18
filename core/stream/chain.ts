// The per-chunk operators (mapDefined, onSettled) of one stream, fused into a
// single iterator: a chunk goes through all of them in one promise step. Each
// operator layered as its own iterator costs a promise, a reaction and a
// result object per chunk, and, while the stream waits for its source (an
// upstream's next token), keeps them pending; with thousands of streams those
// are what fills the heap. An operator applied to a Chain nobody has pulled
// yet adds its stage to a new Chain over the same source instead of wrapping it.
// A Chain has its source's framing (framing.ts) unless a stage says otherwise.

import { framingOf, markMessages, type Framing } from './framing.ts'
import type { Stream } from './stream.ts'

export type Stage =
  /** Maps a chunk; null or undefined drops it. */
  | { map: (chunk: unknown) => unknown }
  /** Called once when the stream ends: with the error when it (or a later stage) failed. */
  | { settled: (error?: unknown) => void }

export class Chain<T> implements AsyncIterableIterator<T> {
  private started = false
  private isSettled = false

  private constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly stages: readonly Stage[],
  ) {}

  /** `source` with `stage` after its own stages, framed as `framing` (by default as `source` is). */
  static over<T>(source: Stream, stage: Stage, framing: Framing = framingOf(source)): Chain<T> {
    const chain =
      source instanceof Chain && !source.started ? new Chain<T>(source.source, [...source.stages, stage]) : new Chain<T>(source[Symbol.asyncIterator](), [stage])
    return framing === 'messages' ? markMessages(chain) : chain
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<T>> {
    this.started = true
    return this.source.next().then(this.onResult, this.onError)
  }

  async return(value?: unknown): Promise<IteratorResult<T>> {
    this.started = true
    this.settle()
    await this.source.return?.(value)
    return { done: true, value: value as T }
  }

  private readonly onResult = (result: IteratorResult<unknown>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    if (result.done) {
      this.settle()
      return result as IteratorResult<T>
    }
    let value = result.value
    try {
      for (let i = 0; i < this.stages.length; i++) {
        const stage = this.stages[i]!
        if (!('map' in stage)) continue
        value = stage.map(value)
        if (value === null || value === undefined) return this.next()
      }
    } catch (error) {
      this.settle(error)
      this.source.return?.()?.catch(() => {})
      throw error
    }
    return { done: false, value: value as T }
  }

  private readonly onError = (error: unknown): never => {
    this.settle(error)
    throw error
  }

  private settle(error?: unknown): void {
    if (this.isSettled) return
    this.isSettled = true
    for (const stage of this.stages) if ('settled' in stage) stage.settled(error)
  }
}
