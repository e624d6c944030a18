// The child process of a `runtime: process` model: it connects to mc's socket,
// loads the model mc names (`create`: the in-process instance mc would run itself)
// and serves runs. A stream's chunks go out only as far as mc has given
// credit (bounded buffers in mc; the rest waits here, in the model's process).
// It exits when mc's end of the socket closes. Secrets registered here (a Hub
// token) are masked in whatever text it sends: mc's own log knows only mc's.

import { connect } from 'node:net'
import { HttpError, isStream, redact, type ComponentInstance, type Logger } from '../../../core/plugin/api.ts'
import type { ModelAction } from '../engine/action-schema.ts'
import type { ModelSettings } from '../engine/schema.ts'
import { Channel, type HostMessage, type WorkerMessage } from './channel.ts'
import { WORKER_SOCKET_ENV } from './worker-arg.ts'

interface Forwarded {
  iterator: AsyncIterator<unknown>
  credit: number
  pumping: boolean
}

interface WorkerRun {
  abort: AbortController
  streams: Map<string, Forwarded>
}

type CreateModel = (settings: ModelSettings, baseDir: string, env: Record<string, string | undefined>, log: Logger) => ComponentInstance<ModelAction>

export function serveModelWorker(create: CreateModel): void {
  const path = process.env[WORKER_SOCKET_ENV]
  if (!path) {
    process.stderr.write(`the model worker is started by mc (${WORKER_SOCKET_ENV} is not set)\n`)
    process.exit(2)
  }
  const runs = new Map<number, WorkerRun>()
  let instance: ComponentInstance<ModelAction> | undefined
  const channel: Channel<HostMessage, WorkerMessage> = new Channel(connect(path), onMessage, () => process.exit(0))
  const send = (message: WorkerMessage) => channel.send(message)
  const log = childLog((message) => channel.sendOrDrop(message, (line, dropped) => (line.t === 'log' ? { ...line, message: `(${dropped} earlier log lines dropped: mc was not reading) ${line.message}` } : line)))

  function onMessage(message: HostMessage): void {
    switch (message.t) {
      case 'start': {
        instance = create(message.settings as ModelSettings, message.baseDir, message.env, log)
        instance.start!().then(
          () => send({ t: 'ready', pid: process.pid }),
          (error: Error) => send({ t: 'failed', message: redact(error.message) }),
        )
        return
      }
      case 'run':
        return void run(message.id, message.action as ModelAction)
      case 'cancel':
        return runs.get(message.id)?.abort.abort()
      case 'credit': {
        const forwarded = runs.get(message.id)?.streams.get(message.stream)
        if (!forwarded) return
        forwarded.credit += message.n
        return void pump(message.id, message.stream, forwarded)
      }
      case 'abandon':
      case 'drop': {
        const forwarded = runs.get(message.id)?.streams.get(message.stream)
        if (!forwarded) return
        finishStream(message.id, message.stream)
        // Stopping a stream stops the generation (as in-process); forgetting one does not.
        if (message.t === 'abandon') void forwarded.iterator.return?.()
      }
    }
  }

  async function run(id: number, action: ModelAction): Promise<void> {
    const entry: WorkerRun = { abort: new AbortController(), streams: new Map() }
    runs.set(id, entry)
    try {
      const values = await instance!.run(action, { signal: entry.abort.signal, log, input: undefined })
      const plain: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(values)) {
        if (isStream(value)) entry.streams.set(key, { iterator: (value as AsyncIterable<unknown>)[Symbol.asyncIterator](), credit: 0, pumping: false })
        else plain[key] = value
      }
      await send({ t: 'result', id, values: plain, streams: [...entry.streams.keys()] })
    } catch (error) {
      await send({ t: 'error', id, message: redact((error as Error).message), ...(error instanceof HttpError ? { status: error.status } : {}) })
    } finally {
      if (entry.streams.size === 0) runs.delete(id)
    }
  }

  /** Sends chunks while mc has credit for them, one write drained before the next read. */
  async function pump(id: number, stream: string, forwarded: Forwarded): Promise<void> {
    if (forwarded.pumping) return
    forwarded.pumping = true
    try {
      while (forwarded.credit > 0 && runs.get(id)?.streams.get(stream) === forwarded) {
        const next = await forwarded.iterator.next()
        if (next.done) {
          finishStream(id, stream)
          return void (await send({ t: 'end', id, stream }))
        }
        forwarded.credit--
        await send({ t: 'chunk', id, stream, value: next.value })
      }
    } catch (error) {
      finishStream(id, stream)
      await send({ t: 'error', id, stream, message: redact((error as Error).message), ...(error instanceof HttpError ? { status: error.status } : {}) })
    } finally {
      forwarded.pumping = false
    }
  }

  function finishStream(id: number, stream: string): void {
    const run = runs.get(id)
    run?.streams.delete(stream)
    if (run && run.streams.size === 0) runs.delete(id)
  }
}

/** A Logger whose lines mc writes, under the component's name. */
function childLog(send: (message: WorkerMessage) => void, prefix = ''): Logger {
  const line = (level: 'info' | 'warn' | 'error' | 'debug') => (message: string) => send({ t: 'log', level, message: redact(prefix + message) })
  return { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), child: (name) => childLog(send, `${prefix}${name}: `) }
}
