// A stream of a run in the model's child process, as mc's workflows read it.
// mc holds at most WINDOW chunks of it: the child sends a chunk only against
// credit, given WINDOW at the first read and topped up as chunks are read.
// Reading nothing asks for nothing; stopping early tells the child, which
// stops the generation as in-process. A stream dropped without being stopped
// (an OpenAI-shaped twin nobody reads) is forgotten by the child too, and
// stops nothing, as in-process.

const WINDOW = 64

export interface StreamLink {
  credit(n: number): void
  /** The reader stopped: the generation stops. */
  abandon(): void
  /** The stream is gone unfinished, without being stopped: the child lets go of it. */
  drop(): void
}

const dropped = new FinalizationRegistry<StreamLink>((link) => link.drop())

export class RemoteStream implements AsyncIterableIterator<unknown> {
  private readonly queue: unknown[] = []
  private finished = false
  private failure: { error: unknown } | undefined
  private wake: (() => void) | undefined
  private started = false
  private read = 0

  constructor(private readonly link: StreamLink) {
    dropped.register(this, link, this)
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this
  }

  async next(): Promise<IteratorResult<unknown>> {
    if (!this.started) {
      this.started = true
      this.link.credit(WINDOW)
    }
    for (;;) {
      if (this.queue.length > 0) {
        if (++this.read >= WINDOW / 2 && !this.finished) {
          this.link.credit(this.read)
          this.read = 0
        }
        return { value: this.queue.shift(), done: false }
      }
      if (this.failure) throw this.failure.error
      if (this.finished) return { value: undefined, done: true }
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  async return(): Promise<IteratorResult<unknown>> {
    if (!this.finished && !this.failure) this.link.abandon()
    this.settle()
    return { value: undefined, done: true }
  }

  push(value: unknown): void {
    this.queue.push(value)
    this.notify()
  }

  end(): void {
    this.settle()
  }

  fail(error: unknown): void {
    if (this.finished) return
    this.failure = { error }
    this.settle()
  }

  private settle(): void {
    this.finished = true
    dropped.unregister(this)
    this.notify()
  }

  private notify(): void {
    this.wake?.()
    this.wake = undefined
  }
}
