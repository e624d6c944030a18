// One WebSocket client: what it is sent, and what it follows. A message Bun
// cannot hand to the socket at once is queued (`send` returns -1): whoever
// sends a run's chunks then waits for the queue to drain, so a client that
// reads slowly holds its runs — and their upstreams — back. A client that
// stays backed up past MC_WS_STALL_SECONDS, or lets MC_WS_BUFFER_BYTES pile
// up, is closed; closing ends what it follows (`follow`'s leave functions).

/** What mc needs of Bun's ServerWebSocket. */
export interface Socket {
  /** Bytes sent; -1 when queued behind what the client has not read; 0 when dropped (the queue is full). */
  send(text: string): number
  close(code?: number, reason?: string): void
}

/** The close code of a client mc gave up on: it read nothing for too long, or let too much pile up. */
export const BACKED_UP = 1008

export class SocketConnection {
  /** What to do, per task it follows, when the client goes: cancel a run it started, stop watching a task. */
  private readonly following = new Map<string, { leave: () => void; ownRun: boolean }>()
  /** Runs being started and subscriptions being made (awaiting the store): counted already. */
  private starting = 0
  private drained: PromiseWithResolvers<void> | undefined
  private stallTimer: Timer | undefined
  private closed = false

  constructor(
    private readonly socket: Socket,
    private readonly stallMs: number,
  ) {}

  get isClosed(): boolean {
    return this.closed
  }

  /** Runs it started and waits for now (bounded by MC_WS_MAX_RUNS_PER_CONNECTION). */
  get runCount(): number {
    let count = this.starting
    for (const { ownRun } of this.following.values()) if (ownRun) count++
    return count
  }

  /** A run or subscription is being set up: it counts from now on; call the returned function once it is followed (or failed). */
  reserve(): () => void {
    this.starting++
    let done = false
    return () => {
      if (!done) this.starting--
      done = true
    }
  }

  /** A run it started and waits for (not a task it only watches). */
  waitsFor(taskId: string): boolean {
    return this.following.get(taskId)?.ownRun === true
  }

  /** Tasks it follows now: its runs and the tasks it watches (bounded by MC_WS_MAX_SUBSCRIPTIONS). */
  get followCount(): number {
    return this.following.size + this.starting
  }

  isFollowing(taskId: string): boolean {
    return this.following.has(taskId)
  }

  /**
   * Sends one message. Undefined when more may follow at once; a promise when
   * the client has not read what came before: it resolves once it has (or the
   * connection closed). Callers that stream wait for it; others need not.
   */
  send(text: string): Promise<void> | undefined {
    if (this.closed) return undefined
    const sent = this.socket.send(text)
    if (sent > 0) return undefined
    if (sent === 0) {
      this.close(BACKED_UP, 'the client left too much unread (MC_WS_BUFFER_BYTES)')
      return undefined
    }
    if (!this.drained) {
      this.drained = Promise.withResolvers<void>()
      this.stallTimer = setTimeout(() => this.close(BACKED_UP, `the client read nothing for ${this.stallMs / 1000} s (MC_WS_STALL_SECONDS)`), this.stallMs)
    }
    return this.drained.promise
  }

  /** Bun says the socket took what was queued: paused senders go on. */
  onDrain(): void {
    clearTimeout(this.stallTimer)
    const drained = this.drained
    this.drained = undefined
    drained?.resolve()
  }

  /** Follows a task (a run it started: `ownRun`) until `unfollow`; `leave` runs if the client goes first. */
  follow(taskId: string, leave: () => void, ownRun = false): void {
    this.following.set(taskId, { leave, ownRun })
  }

  /** Stops following it, without calling its leave function. */
  unfollow(taskId: string): void {
    this.following.delete(taskId)
  }

  /** Stops following it, as if the client had gone (a watch stops). */
  leave(taskId: string): boolean {
    const followed = this.following.get(taskId)
    this.following.delete(taskId)
    followed?.leave()
    return followed !== undefined
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.socket.close(code, reason)
    this.onClose()
  }

  /** The client went (or was closed): what it followed is let go, paused senders wake to find it closed. */
  onClose(): void {
    if (this.closed) return
    this.closed = true
    this.onDrain()
    const leaving = [...this.following.values()]
    this.following.clear()
    for (const { leave } of leaving) leave()
  }
}
