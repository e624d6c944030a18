// One Gradio session: the messages of its runs, waiting for its reader (GET
// /queue/data; one at a time, a newer one takes over). Bounded in memory and time:
// - messages wait up to `maxBytes`; past that a run's `send` waits until the
//   reader catches up, so the run stops reading its answer and back-pressure
//   reaches the controller and the upstream;
// - a session nobody reads for `timeoutMs` (no reader since the join or since
//   the reader left, or a reader that takes nothing) expires: its runs are
//   aborted (their requests to the controller, which cancels the workflow
//   runs) and its messages dropped.
// Once its runs are done and their messages read, it ends with close_stream.

import { SSE_HEADERS, sseEvent } from '../http/sse.ts'

export type Message = Record<string, unknown>

export interface SessionLimits {
  maxBytes: number
  timeoutMs: number
  heartbeatMs: number
}

interface Reader {
  /** Resolves once this reader must stop: replaced, gone, or the session expired. */
  stopped: Promise<void>
  isStopped: boolean
  stop(): void
  /** Set while the reader waits for something to send. */
  wake?: () => void
  heartbeatDue: boolean
}

const encoder = new TextEncoder()
const frameOf = (message: Message) => encoder.encode(sseEvent(JSON.stringify(message)))
// Gradio's own keep-alive: clients ignore it, and a reader sees the stream is alive.
const HEARTBEAT = frameOf({ msg: 'heartbeat' })
const CLOSE_STREAM = frameOf({ msg: 'close_stream', event_id: null })

function wake(reader: Reader | undefined): void {
  const resume = reader?.wake
  if (reader) reader.wake = undefined
  resume?.()
}

export class GradioSession {
  private frames: Uint8Array[] = []
  private bytes = 0
  private readonly runs = new Set<AbortController>()
  /** Runs waiting for the reader to catch up. */
  private readonly paused: (() => void)[] = []
  private reader?: Reader
  private expiry?: ReturnType<typeof setTimeout>
  /** Out of the queue's map: no run joins it any more. */
  private ended = false

  constructor(
    private readonly limits: SessionLimits,
    private readonly onEnd: () => void,
  ) {
    this.armExpiry()
  }

  get runCount(): number {
    return this.runs.size
  }

  /** A run of the session: its signal aborts if the session expires. */
  startRun(): AbortController {
    const run = new AbortController()
    this.runs.add(run)
    return run
  }

  endRun(run: AbortController): void {
    this.runs.delete(run)
    wake(this.reader)
  }

  /** Queues a message; a promise while the messages waiting are over the bound (the run waits on it). */
  send(message: Message): Promise<void> | undefined {
    if (this.ended) return
    const frame = frameOf(message)
    this.frames.push(frame)
    this.bytes += frame.length
    wake(this.reader)
    if (this.bytes <= this.limits.maxBytes) return
    return new Promise((resolve) => this.paused.push(resolve))
  }

  /** The session's messages as an SSE response, with heartbeats while quiet, ending with close_stream. */
  read(): Response {
    let resolveStopped!: () => void
    const reader: Reader = {
      stopped: new Promise((resolve) => (resolveStopped = resolve)),
      isStopped: false,
      stop: () => {
        reader.isStopped = true
        resolveStopped()
        wake(reader)
      },
      heartbeatDue: false,
    }
    // The reader takes over only once its response is sent: a client gone before that never holds the session.
    const body = new ReadableStream({
      type: 'direct',
      pull: async (controller: ReadableStreamDirectController) => {
        if (!reader.isStopped) {
          this.reader?.stop()
          this.reader = reader
          this.disarmExpiry()
          await this.deliver(reader, controller)
        }
        controller.close()
      },
      cancel: () => {
        reader.stop()
        this.leave(reader)
      },
    })
    return new Response(body, { headers: SSE_HEADERS })
  }

  private async deliver(reader: Reader, controller: ReadableStreamDirectController): Promise<void> {
    let lastWrite = performance.now()
    const heartbeat = setInterval(
      () => {
        if (performance.now() - lastWrite < this.limits.heartbeatMs) return
        reader.heartbeatDue = true
        wake(reader)
      },
      Math.max(1, this.limits.heartbeatMs / 4),
    )
    // A write the client has not taken holds the loop; taking nothing for the timeout is not reading.
    const write = async (frame: Uint8Array) => {
      lastWrite = performance.now()
      const written = controller.write(frame)
      if (typeof written === 'number') return
      this.armExpiry()
      written.catch(() => {}) // once the reader stopped, nobody awaits it
      await Promise.race([written, reader.stopped])
      if (this.reader === reader) this.disarmExpiry()
    }
    try {
      while (this.reader === reader) {
        const frame = this.frames.shift()
        if (frame) {
          this.bytes -= frame.length
          if (this.bytes <= this.limits.maxBytes) this.resumeRuns()
          await write(frame)
        } else if (this.runs.size === 0) {
          if (!this.ended) this.end()
          await write(CLOSE_STREAM)
          return
        } else if (reader.heartbeatDue) {
          reader.heartbeatDue = false
          await write(HEARTBEAT)
        } else await new Promise<void>((resolve) => (reader.wake = resolve))
      }
    } catch {
      // the client is gone (a write failed): cancel says so too
    } finally {
      clearInterval(heartbeat)
      this.leave(reader)
    }
  }

  /** The reader is done or gone; an unfinished session starts counting towards its expiry. */
  private leave(reader: Reader): void {
    if (this.reader !== reader) return
    reader.stop()
    this.reader = undefined
    if (this.ended) this.disarmExpiry()
    else this.armExpiry()
  }

  private resumeRuns(): void {
    for (const resume of this.paused.splice(0)) resume()
  }

  private end(): void {
    this.ended = true
    this.onEnd()
  }

  private expire(): void {
    this.expiry = undefined
    const reader = this.reader
    this.reader = undefined
    reader?.stop()
    for (const run of this.runs) run.abort(new Error('the Gradio session expired: nobody read its messages'))
    this.frames = []
    this.bytes = 0
    this.resumeRuns()
    if (!this.ended) this.end()
  }

  private armExpiry(): void {
    if (this.expiry !== undefined) return
    this.expiry = setTimeout(() => this.expire(), this.limits.timeoutMs)
    this.expiry.unref?.()
  }

  private disarmExpiry(): void {
    clearTimeout(this.expiry)
    this.expiry = undefined
  }
}

/**
 * What a reader of an unknown session gets, at once: Gradio's error for it
 * (@gradio/client ends each waiting call with its message) and close_stream,
 * so the client opens a fresh stream for its next call.
 */
export function sessionNotFound(): Response {
  const error = frameOf({
    msg: 'unexpected_error',
    message: 'session not found: its runs are over and read, it expired unread, or another client opened it',
    session_not_found: true,
    success: false,
  })
  return new Response(new Blob([error, CLOSE_STREAM]), { headers: SSE_HEADERS })
}
