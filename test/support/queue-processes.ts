// What the queue tests share: mc processes on loopback (workers with no HTTP
// port, entry points), a run request, an event-by-event SSE reader, and the
// worker and entry-point files they run (in 0.4.92's form).

import { composeDir, MC, startMc, type McProcess } from './mc.ts'

export interface Worker {
  proc: ReturnType<typeof Bun.spawn>
  logs(): string
  stop(): Promise<number>
}

/** The processes a test file started, stopped together at its end. */
export class QueueProcesses {
  private readonly running: { stop(): Promise<unknown> }[] = []

  /** `mc up` of a worker-only file: no HTTP port, ready once it says which queues it takes tasks from. */
  async startWorker(yaml: string, env: Record<string, string> = {}): Promise<Worker> {
    const proc = Bun.spawn([...MC, 'up'], { cwd: composeDir({ 'model-compose.yml': yaml }), env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' })
    let logs = ''
    for (const stream of [proc.stdout, proc.stderr] as ReadableStream<Uint8Array>[]) {
      void (async () => {
        const decoder = new TextDecoder()
        for await (const chunk of stream) logs += decoder.decode(chunk, { stream: true })
      })()
    }
    const worker = { proc, logs: () => logs, stop: async () => (proc.kill('SIGTERM'), proc.exited) }
    this.running.push(worker)
    const deadline = Date.now() + 20_000
    while (!/takes tasks from/.test(logs)) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start: ${logs}`)
      await Bun.sleep(25)
    }
    return worker
  }

  /** `mc up` of an entry point's file, in `dir` when given (a restart in the same folder). */
  async startEntry(yaml: string, port: number, env: Record<string, string> = {}, dir = composeDir({ 'model-compose.yml': yaml })): Promise<McProcess & { dir: string }> {
    const mc = await startMc(dir, [], port, env)
    this.running.push(mc)
    return { ...mc, dir }
  }

  stopAll(): Promise<unknown> {
    return Promise.all(this.running.splice(0).map((p) => p.stop()))
  }
}

export const post = (mc: McProcess, body: Record<string, unknown>, signal?: AbortSignal) =>
  fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) })

/** A worker file in 0.4.92's form: `slow` (a shell run naming its worker) and `chat` (a gated upstream stream). */
export const workerFile = (queue: string, extra = '') => `
controller:
  adapter:
    type: queue-subscriber
    driver: redis
    url: \${env.REDIS_URL}
    name: ${queue}
    worker_id: \${env.WORKER}
    workflows: [slow, chat, story]${extra}
  shutdown_timeout: 2s
workflows:
  - id: slow
    jobs: [{ component: sleeper }]
  - id: chat
    jobs: [{ component: openai, input: { prompt: "\${input.prompt}", key: "\${input.key}" } }]
    output: \${output as text;sse-text}
  - id: story
    jobs: [{ component: teller }]
    output: \${output as text;sse-text}
components:
  - id: sleeper
    type: shell
    action:
      command: [sh, -c, 'sleep \${input.seconds as number | 0.3}; echo "$0 from $1"', "\${input.text}", "\${env.WORKER}"]
      output: { text: "\${result.stdout}" }
  - id: openai
    type: http-client
    endpoint: \${env.U}/v1/chat/completions?gate=1&key=\${input.key}
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: teller
    type: http-client
    endpoint: \${env.U}/v1/chat/completions
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
`

/** An entry point: one workflow of its own (`local`); the others go to the queue. */
export const entryFile = (port: number, queue: string, extra = '') => `
controller:
  adapter: { type: http-server, port: ${port} }
  queue:
    driver: redis
    url: \${env.REDIS_URL}
    name: ${queue}${extra}
workflow:
  id: local
  job: { component: here }
component:
  id: here
  type: shell
  action:
    command: [echo, ran here]
    output: { text: "\${result.stdout}" }
`

/** The file with every process's tasks in one Redis task store (`prefix` keeps test files apart). */
export const withRedisTaskStore = (yaml: string, url: string, prefix: string) =>
  yaml.replace('controller:\n', `controller:\n  task_store: { driver: redis, url: "${url}", prefix: ${prefix} }\n`)
