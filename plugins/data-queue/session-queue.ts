// One FIFO of a data-queue component: items wait here until a consumer takes
// them; consumers waiting on an empty queue are handed items in the order they
// came, so consumers of one session split the items work-queue style (as
// model-compose's asyncio.Queue does). Bounded: past `maxSize` items an
// enqueue fails instead of waiting.

type Waiter = (item: { value: unknown } | undefined) => void

export class SessionQueue {
  private readonly items: unknown[] = []
  private readonly waiters: Waiter[] = []
  private consumers = 0

  constructor(
    readonly maxSize: number,
    /** Called when the queue holds nothing and nobody reads it, so its owner may forget it. */
    private readonly onIdle: () => void,
  ) {}

  /** False when the queue is full. */
  offer(item: unknown): boolean {
    const waiter = this.waiters.shift()
    if (waiter) {
      waiter({ value: item })
      return true
    }
    if (this.items.length >= this.maxSize) return false
    this.items.push(item)
    return true
  }

  get idle(): boolean {
    return this.items.length === 0 && this.consumers === 0
  }

  /** An endless stream of the queue's items; it ends only when its consumer stops reading. */
  consume(): AsyncIterableIterator<unknown> {
    let waiting: Waiter | undefined
    let stopped = false
    this.consumers++
    const stop = () => {
      if (stopped) return
      stopped = true
      this.consumers--
      if (waiting) {
        this.waiters.splice(this.waiters.indexOf(waiting), 1)
        waiting(undefined)
        waiting = undefined
      }
      if (this.idle) this.onIdle()
    }
    const iterator: AsyncIterableIterator<unknown> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        if (stopped) return { done: true, value: undefined }
        if (this.items.length > 0) return { done: false, value: this.items.shift() }
        const got = await new Promise<{ value: unknown } | undefined>((resolve) => {
          waiting = resolve
          this.waiters.push(resolve)
        })
        waiting = undefined
        return got ? { done: false, value: got.value } : { done: true, value: undefined }
      },
      return: async () => {
        stop()
        return { done: true, value: undefined }
      },
    }
    return iterator
  }
}
