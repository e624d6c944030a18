// A run whose output streams, while it runs in this process: its chunks become
// numbered SSE events, recorded as they pass (recorder.ts). Whoever pulls it
// sets the pace — the client of a waited run (so a slow client holds the
// source back, as before), or the run itself once it is detached (a background
// run, or a waited one whose client left within a grace period): then it reads
// to the end on its own, and clients follow it through the store (follow.ts).
// A failure becomes a final `error` event; cancelling ends it at once.

import { messageOf } from '../errors.ts'
import type { Stream } from '../stream/stream.ts'
import { sseDataOf, type SseFormat } from '../http/sse.ts'
import type { Recorder } from './recorder.ts'
import type { TaskEvent } from './store/task-store.ts'
import type { Span } from '../observe/span.ts'

export interface LiveRunOptions {
  chunks: Stream
  format: SseFormat
  recorder: Recorder
  /** Stops the run's work (aborts its signal). */
  abort: (reason: Error) => void
  /** Called once every event is recorded, with the failure if it failed; the run has ended when it resolves. */
  onEnd: (failure: string | undefined) => Promise<void>
  /** Sees every chunk as it passes (a background run collects its output). */
  onChunk?: (chunk: unknown) => void
  /** Counts each event's data (core/observe/): chunks, bytes, the first one's time. */
  span?: Span
}

export function errorEventData(message: string): string {
  return JSON.stringify({ detail: message })
}

export class LiveRun {
  private readonly iterator: AsyncIterator<unknown>
  private readonly dataOf: (chunk: unknown) => string | null
  private readonly ended = Promise.withResolvers<undefined>()
  private finished = false
  private pulling = false
  private inFlight: Promise<TaskEvent | undefined> = Promise.resolve(undefined)
  private detached = false
  private followers = 0
  /** Set when a grace period ran out: the run ends once nobody follows it. */
  private orphanReason: string | undefined
  private graceTimer: Timer | undefined
  /** The `error` event a cancel recorded, until a puller takes it. */
  private closing: TaskEvent | undefined

  constructor(private readonly options: LiveRunOptions) {
    this.iterator = options.chunks[Symbol.asyncIterator]()
    this.dataOf = sseDataOf(options.format)
  }

  /** The next event (recorded), or undefined once the run ended. Never rejects. */
  next(): Promise<TaskEvent | undefined> {
    if (this.finished) return this.afterEnd()
    // Two pullers (a leaving client and the run itself) take turns.
    if (this.pulling) return this.inFlight.then(() => this.next())
    this.pulling = true
    return (this.inFlight = this.iterator.next().then(this.onResult, this.onFailure))
  }

  private readonly onResult = (result: IteratorResult<unknown>): TaskEvent | Promise<TaskEvent | undefined> => {
    this.pulling = false
    if (this.finished) return this.afterEnd()
    if (result.done) {
      this.end(undefined)
      return this.ended.promise
    }
    let data: string | null
    try {
      this.options.onChunk?.(result.value)
      data = this.dataOf(result.value)
    } catch (error) {
      // A chunk that cannot be framed (a value JSON cannot write) fails the run like a failing source.
      return this.onFailure(error)
    }
    if (data === null) return this.next()
    this.options.span?.chunk(data)
    return this.options.recorder.add(data)
  }

  private readonly onFailure = (error: unknown): TaskEvent | Promise<TaskEvent | undefined> => {
    this.pulling = false
    if (this.finished) return this.afterEnd()
    const message = messageOf(error)
    const event = this.options.recorder.add(errorEventData(message), 'error')
    this.end(message)
    return event
  }

  /** Nobody pulls it any more: it reads on to the end by itself. */
  detach(): void {
    if (this.detached || this.finished) return
    this.detached = true
    void this.readToEnd()
  }

  /** Pulls every event (each is recorded by next()); resolves once the run has ended. */
  async readToEnd(): Promise<void> {
    while ((await this.next()) !== undefined) {
      // recorded
    }
  }

  /**
   * Its client left: it runs on (recorded, resumable) for `graceMs`, then ends
   * with `reason` — at once if nobody follows it by then, else when the last one leaves.
   */
  keepFor(graceMs: number, reason: string): void {
    if (this.finished || this.graceTimer !== undefined) return
    this.detach()
    this.graceTimer = setTimeout(() => {
      this.orphanReason = reason
      if (this.followers === 0) this.cancel(reason)
    }, graceMs)
  }

  /** A client follows its stream (through the store); call the returned function when it leaves. */
  follow(): () => void {
    this.followers++
    let left = false
    return () => {
      if (left) return
      left = true
      if (--this.followers === 0 && this.orphanReason !== undefined) this.cancel(this.orphanReason)
    }
  }

  /** Ends the run now: its work is aborted, and its recording ends with an `error` event saying why. */
  cancel(reason: string): void {
    if (this.finished) return
    this.options.abort(new Error(reason))
    this.iterator.return?.()?.catch(() => {})
    this.closing = this.options.recorder.add(errorEventData(reason), 'error')
    this.end(reason)
  }

  /** What a puller gets once the run ended: the cancel's `error` event (once), then the end. */
  private afterEnd(): Promise<TaskEvent | undefined> {
    const closing = this.closing
    this.closing = undefined
    return closing ? Promise.resolve(closing) : this.ended.promise
  }

  private end(failure: string | undefined): void {
    this.finished = true
    clearTimeout(this.graceTimer)
    void this.options.recorder
      .close()
      .then(() => this.options.onEnd(failure))
      .finally(() => this.ended.resolve(undefined))
  }
}
