// A plain WebSocket client for the tests (Bun's built-in `WebSocket`, as a
// browser's): it keeps every message mc sent, parsed, and waits for the ones
// a test expects. Listeners are attached before `open` is awaited (NOTES.md).

export interface Message {
  type: string
  id?: string
  data: Record<string, unknown>
  timestamp: string
}

export interface SocketClient {
  ws: WebSocket
  messages: Message[]
  /** The first message (from `from` on) that `match` accepts; fails after 10 s or when the socket closes first. */
  next(match: (m: Message) => boolean, from?: number): Promise<Message>
  send(message: unknown): void
  /** Resolves with the close code once the socket closed. */
  closed: Promise<{ code: number; reason: string }>
  close(): void
}

export async function connect(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<SocketClient> {
  const ws = options.headers ? new WebSocket(url, { headers: options.headers, ...(options.protocols ? { protocols: options.protocols } : {}) } as never) : new WebSocket(url, options.protocols)
  const messages: Message[] = []
  const waiters = new Set<() => void>()
  const closed = Promise.withResolvers<{ code: number; reason: string }>()
  let isClosed = false
  ws.addEventListener('message', (event) => {
    messages.push(JSON.parse(String(event.data)) as Message)
    for (const wake of waiters) wake()
  })
  ws.addEventListener('close', (event) => {
    isClosed = true
    closed.resolve({ code: event.code, reason: event.reason })
    for (const wake of waiters) wake()
  })
  const opened = Promise.withResolvers<void>()
  ws.addEventListener('open', () => opened.resolve())
  ws.addEventListener('error', () => opened.reject(new Error(`could not connect to ${url}`)))
  await Promise.race([opened.promise, closed.promise])
  return {
    ws,
    messages,
    closed: closed.promise,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    close: () => ws.close(),
    next(match, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no such message within 10 s; got ${JSON.stringify(messages.slice(from)).slice(0, 1500)}`)), 10_000)
        const finish = (error?: Error, message?: Message) => {
          clearTimeout(timer)
          waiters.delete(look)
          if (error) reject(error)
          else resolve(message!)
        }
        const look = () => {
          const found = messages.slice(from).find(match)
          if (found) return finish(undefined, found)
          if (isClosed) finish(new Error(`socket closed first; got ${JSON.stringify(messages.slice(from)).slice(0, 1500)}`))
        }
        waiters.add(look)
        look()
      })
    },
  }
}

/** The `task_state` of that task with a final status. */
export const finalState = (taskId: string) => (m: Message) => m.type === 'task_state' && m.data.task_id === taskId && (m.data.status === 'completed' || m.data.status === 'failed')
