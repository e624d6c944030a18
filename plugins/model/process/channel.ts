// The conversation between mc and a model's child process: one JSON message a
// line over a Unix socket, both ways. Writes wait for the socket to drain (so a
// busy reader slows the writer down rather than growing a buffer), and a line
// longer than the cap ends the conversation instead of growing one.

import type { Socket } from 'node:net'

/** The most one message may take: a whole non-streamed answer (a batch of texts) is one message. */
const MAX_MESSAGE_CHARS = 64 * 1024 * 1024

/** Past this many bytes written but not yet taken by the other side, a droppable message (a log line) is dropped. */
const MAX_UNSENT_BYTES = 1024 * 1024

/** What mc sends: the model to load, runs, their cancellation, how many more chunks of a stream it will hold, and streams it stopped or let go of. */
export type HostMessage =
  | { t: 'start'; settings: unknown; baseDir: string; env: Record<string, string | undefined> }
  | { t: 'run'; id: number; action: unknown }
  | { t: 'cancel'; id: number }
  | { t: 'credit'; id: number; stream: string; n: number }
  | { t: 'abandon'; id: number; stream: string }
  | { t: 'drop'; id: number; stream: string }

/** What the child sends: loaded or not, log lines, a run's values (streams named), their chunks, ends and errors. */
export type WorkerMessage =
  | { t: 'ready'; pid: number }
  | { t: 'failed'; message: string }
  | { t: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; message: string }
  | { t: 'result'; id: number; values: Record<string, unknown>; streams: string[] }
  | { t: 'chunk'; id: number; stream: string; value: unknown }
  | { t: 'end'; id: number; stream: string }
  | { t: 'error'; id: number; stream?: string; message: string; status?: number }

export class Channel<In, Out> {
  private pending = ''
  private closed = false
  private dropped = 0

  constructor(
    private readonly socket: Socket,
    onMessage: (message: In) => void,
    onClose: () => void,
  ) {
    socket.setEncoding('utf8')
    socket.on('data', (data: string) => {
      this.pending += data
      let end: number
      while ((end = this.pending.indexOf('\n')) >= 0) {
        const line = this.pending.slice(0, end)
        this.pending = this.pending.slice(end + 1)
        if (this.closed) return
        onMessage(JSON.parse(line) as In)
      }
      if (this.pending.length > MAX_MESSAGE_CHARS) socket.destroy(new Error(`a message longer than ${MAX_MESSAGE_CHARS} characters`))
    })
    socket.on('error', () => {}) // 'close' follows: the other side is gone either way
    socket.once('close', () => {
      this.closed = true
      onClose()
    })
  }

  /** Resolves once the message is written, or handed to the kernel after the socket drained. */
  send(message: Out): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.resolve()
    if (this.socket.write(`${JSON.stringify(message)}\n`)) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        resolve()
      }
      this.socket.once('drain', done)
      this.socket.once('close', done)
    })
  }

  /**
   * Sends a message nobody waits for (a log line) unless `MAX_UNSENT_BYTES`
   * wait to be written already: then it is dropped and counted, and the count
   * goes out with the next one that fits, so a chatty model cannot grow mc's
   * buffers while mc is not reading.
   */
  sendOrDrop(message: Out, withDropped: (message: Out, dropped: number) => Out): void {
    if (this.closed || this.socket.destroyed) return
    if (this.socket.writableLength > MAX_UNSENT_BYTES) {
      this.dropped++
      return
    }
    void this.send(this.dropped > 0 ? withDropped(message, this.dropped) : message)
    this.dropped = 0
  }

  close(): void {
    this.socket.end()
  }
}
