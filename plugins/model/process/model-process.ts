// A model component's instance under `runtime: process`: the model loads and
// generates in a child process (mc itself in its worker mode, worker.ts) under
// mc's supervisor, in a process group of its own. A crash or an OOM kill of
// the child fails the runs it had with one line naming how it ended, and mc
// serves on: the next run starts a new child (model-compose restarts its
// worker the same way). Stopping mc stops the child and all it started.

import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { HttpError, SupervisedProcess, sleep, toMilliseconds, workerCommand, type ComponentInstance, type Logger, type RunContext, type RunResult } from '../../../core/plugin/api.ts'
import type { ModelAction } from '../engine/action-schema.ts'
import type { ModelSettings } from '../engine/schema.ts'
import { Channel, type HostMessage, type WorkerMessage } from './channel.ts'
import { RemoteStream } from './remote-stream.ts'
import type { ProcessRuntime } from '../engine/runtime-schema.ts'
import { MODEL_WORKER_ARG, WORKER_SOCKET_ENV } from './worker-arg.ts'
import { exitDescription } from './exit-description.ts'

const DEFAULT_START_TIMEOUT = '60s'
const DEFAULT_STOP_TIMEOUT = '30s'

interface PendingRun {
  settle: (result: RunResult | Error) => void
  /** Weakly held: a stream nobody holds (an unread twin) is dropped, here and in the child (remote-stream.ts). */
  streams: Map<string, WeakRef<RemoteStream>>
}

/** One child process: its connection and the runs it has. */
class Worker {
  readonly runs = new Map<number, PendingRun>()
  /** Set once the child has gone: what every later use of it fails with. */
  gone: Error | undefined
  pid = 0

  constructor(
    readonly proc: SupervisedProcess,
    readonly channel: Channel<WorkerMessage, HostMessage>,
  ) {}

  send(message: HostMessage): void {
    void this.channel.send(message)
  }

  /** Fails what is in flight with `error`; the child is not used again. */
  fail(error: Error): void {
    this.gone ??= error
    for (const run of this.runs.values()) {
      run.settle(error)
      for (const stream of run.streams.values()) stream.deref()?.fail(error)
    }
    this.runs.clear()
  }
}

export function processModel(settings: ModelSettings, runtime: ProcessRuntime, baseDir: string, env: Readonly<Record<string, string | undefined>>, log: Logger): ComponentInstance<ModelAction> {
  const startMs = toMilliseconds(runtime.start_timeout ?? DEFAULT_START_TIMEOUT)
  const graceMs = toMilliseconds(runtime.stop_timeout ?? DEFAULT_STOP_TIMEOUT)
  let current: Promise<Worker> | undefined
  let nextId = 1
  let stopped = false
  /** Every child started and not yet exited, loading ones included: stopping mc stops them all. */
  const children = new Set<SupervisedProcess>()

  /** The live child, started (and its model loaded) when there is none; a failed start fails this run only. */
  function worker(): Promise<Worker> {
    if (stopped) return Promise.reject(new Error('the model is stopping'))
    const live = (current ??= launch())
    const forget = () => void (current === live && (current = undefined))
    return live.then(
      (w) => (w.gone ? (forget(), worker()) : w),
      (error: unknown) => {
        forget()
        throw error
      },
    )
  }

  async function launch(): Promise<Worker> {
    // 0700: only this user reaches the socket. A socket's path is at most ~100 bytes: a long TMPDIR gives way to /tmp.
    const folder = mkdtempSync(join(tmpdir().length > 80 ? '/tmp' : tmpdir(), 'mc-model-'))
    const path = join(folder, 'worker.sock')
    const server = createServer()
    try {
      await new Promise<void>((ok, fail) => server.once('error', fail).listen(path, ok))
      const childEnv = { ...env, ...Object.fromEntries(Object.entries(runtime.env ?? {}).map(([k, v]) => [k, String(v)])), [WORKER_SOCKET_ENV]: path }
      const entry = join(import.meta.dir, '../worker-main.ts')
      const proc = new SupervisedProcess(workerCommand(MODEL_WORKER_ARG, entry), { cwd: resolve(baseDir, runtime.working_dir ?? '.'), env: childEnv, graceMs })
      children.add(proc)
      void proc.exited.then(() => children.delete(proc))
      forwardOutput(proc.stdout, log.info.bind(log))
      forwardOutput(proc.stderr, log.warn.bind(log))
      // Either ends the wait below; neither may reject unheard once the child is ready.
      const stopWaiting = new AbortController()
      const timeout = sleep(startMs, stopWaiting.signal).then(() => Promise.reject(new Error(`the model's process did not start within ${runtime.start_timeout ?? DEFAULT_START_TIMEOUT} (runtime.start_timeout)`)))
      const exited = proc.exited.then((code) => Promise.reject(new Error(`the model's process ${exitDescription(code)} before it was ready`)))
      for (const settled of [timeout, exited]) settled.catch(() => {})
      try {
        const socket = await Promise.race([accepted(server), timeout, exited])
        // The connection closes first when the child dies: its runs fail once its exit says how it ended.
        const ended = () => void proc.stop().then((code) => w.fail(new Error(`the model's process (pid ${w.pid || '?'}) ${exitDescription(code)}; the next run starts a new one`)))
        const w: Worker = new Worker(proc, new Channel<WorkerMessage, HostMessage>(socket, (m) => onMessage(w, m), ended))
        void proc.exited.then(ended)
        // The load is waited for as run 0: the child's exit fails it like any run.
        const ready = new Promise<void>((ok, fail) => w.runs.set(0, { settle: (r) => (r instanceof Error ? fail(r) : ok()), streams: new Map() }))
        w.send({ t: 'start', settings, baseDir, env: childEnv })
        await Promise.race([ready, timeout, exited])
        log.info(`model running in its own process (pid ${w.pid})`)
        return w
      } catch (error) {
        await proc.stop()
        throw error
      } finally {
        stopWaiting.abort()
      }
    } finally {
      server.close()
      rmSync(folder, { recursive: true, force: true })
    }
  }

  function onMessage(w: Worker, message: WorkerMessage): void {
    switch (message.t) {
      case 'ready':
        w.pid = message.pid
        w.runs.get(0)?.settle({})
        w.runs.delete(0)
        return
      case 'failed':
        return w.runs.get(0)?.settle(new Error(message.message))
      case 'log':
        return log[message.level](message.message)
      case 'result': {
        const run = w.runs.get(message.id)
        if (!run) return
        const values: RunResult = { ...message.values }
        for (const name of message.streams) {
          const stream = new RemoteStream({
            credit: (n) => w.send({ t: 'credit', id: message.id, stream: name, n }),
            abandon: () => w.send({ t: 'abandon', id: message.id, stream: name }),
            drop: () => {
              w.send({ t: 'drop', id: message.id, stream: name })
              run.streams.delete(name)
              if (run.streams.size === 0) w.runs.delete(message.id)
            },
          })
          run.streams.set(name, new WeakRef(stream))
          values[name] = stream
        }
        run.settle(values)
        if (run.streams.size === 0) w.runs.delete(message.id)
        return
      }
      case 'chunk':
        return w.runs.get(message.id)?.streams.get(message.stream)?.deref()?.push(message.value)
      case 'end':
      case 'error': {
        const run = w.runs.get(message.id)
        if (!run) return
        const error = message.t === 'error' ? (message.status ? new HttpError(message.status, message.message) : new Error(message.message)) : undefined
        if (message.stream === undefined) run.settle(error!)
        else {
          const stream = run.streams.get(message.stream)?.deref()
          if (error) stream?.fail(error)
          else stream?.end()
          run.streams.delete(message.stream)
        }
        if (run.streams.size === 0) w.runs.delete(message.id)
      }
    }
  }

  return {
    async start() {
      // preload: false (model-compose 0.4.92) starts the child on the first run instead.
      if (settings.preload !== false) await worker()
    },
    async run(action, { signal }: RunContext) {
      signal.throwIfAborted()
      const w = await worker()
      if (w.gone) throw w.gone
      const id = nextId++
      const cancel = () => w.send({ t: 'cancel', id })
      signal.addEventListener('abort', cancel, { once: true })
      const result = await new Promise<RunResult | Error>((settle) => {
        w.runs.set(id, { settle, streams: new Map() })
        w.send({ t: 'run', id, action })
      })
      // A stream's generation can still be cancelled once the run has answered; nothing else can.
      if (result instanceof Error || !Object.values(result).some((value) => value instanceof RemoteStream)) signal.removeEventListener('abort', cancel)
      if (result instanceof Error) throw result
      return result
    },
    async stop() {
      stopped = true
      await Promise.all([...children].map((proc) => proc.stop()))
    },
  }
}

function accepted(server: Server): Promise<Socket> {
  return new Promise((ok) => server.once('connection', ok))
}

/** The longest line of the child's own output written to the log: a longer one is written in pieces of that size. */
const MAX_LINE_CHARS = 16 * 1024

/** The child's own output (a native library's warnings, a crash trace) as log lines; always read to its end, so the child never blocks on it. */
function forwardOutput(stream: ReadableStream<Uint8Array>, write: (line: string) => void): void {
  void (async () => {
    const decoder = new TextDecoder()
    const emit = (text: string) => {
      for (let at = 0; at < text.length || at === 0; at += MAX_LINE_CHARS) write(text.slice(at, at + MAX_LINE_CHARS))
    }
    let line = ''
    try {
      for await (const chunk of stream) {
        const lines = (line + decoder.decode(chunk, { stream: true })).split('\n')
        line = lines.pop()!
        for (const text of lines) emit(text)
        while (line.length > MAX_LINE_CHARS) {
          emit(line.slice(0, MAX_LINE_CHARS))
          line = line.slice(MAX_LINE_CHARS)
        }
      }
    } catch {
      // the child's output ended abruptly: its exit is reported on its own
    }
    if (line) emit(line)
  })()
}
