// `job_event` as model-compose 0.4.92's reference/websocket.md describes it,
// on a real `mc up` talked to with a plain WebSocket client: a routing job's
// `routed` event names the job it chose, a job's `completed` event carries its
// output, a component job run repeat_count times lists its runs' ids (those
// resume_task takes), and what a job_event would carry is bounded: a stream
// or an output past MC_WS_JOB_OUTPUT_BYTES is left out, saying why.
// The `if` workflow is model-compose's examples/job-flow/conditional-routing/if
// (copied under test/fixtures/model-compose/0.4.92/).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'
import { chatEchoCompose } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { connect, finalState, type Message, type SocketClient } from './socket-client.ts'

const IF_EXAMPLE = join(ROOT, 'test/fixtures/model-compose/0.4.92/job-flow/conditional-routing/if/model-compose.yml')

let upstream: Upstream
let example: McProcess
let mc: McProcess
const clients: SocketClient[] = []

const compose = (port: number) =>
  chatEchoCompose(port, upstream.url, { key: 'job-events', delayMs: 0 }).replace(
    'components:',
    `  - id: rolls
    jobs:
      - id: roll
        component: echo
        repeat_count: 2
        input: { word: "\${input.word}" }
  - id: big
    jobs:
      - id: fetch
        component: big
components:
  - id: big
    type: http-client
    endpoint: ${upstream.url}/big?bytes=5000
    output: \${response}`,
  )

beforeAll(async () => {
  upstream = startUpstream()
  const examplePort = freePort()
  const text = readFileSync(IF_EXAMPLE, 'utf8').replace('port: 8080', `port: ${examplePort}`).replace(/\n {2}webui:\n {4}driver: gradio\n {4}port: 8081\n/, '\n')
  example = await startMc(composeDir({ 'model-compose.yml': text }), [], examplePort)
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port) }), [], port, { MC_WS_JOB_OUTPUT_BYTES: '1KiB' })
})
afterAll(async () => {
  for (const c of clients) c.close()
  await Promise.all([example?.stop(), mc?.stop()])
  upstream?.stop()
})

/** Runs the workflow over a fresh socket; the job_events of its task, once it ended. */
async function jobEvents(server: McProcess, data: Record<string, unknown>): Promise<Message['data'][]> {
  const c = await connect(`${server.url.replace('http', 'ws')}/api/ws`)
  clients.push(c)
  c.send({ type: 'run_workflow', id: 'run', data })
  const taskId = (await c.next((m) => m.type === 'workflow_started')).data.task_id as string
  await c.next(finalState(taskId))
  return c.messages.filter((m) => m.type === 'job_event' && m.data.task_id === taskId).map((m) => m.data)
}

test('a routing job: started, routed with next_job_id, then the job it chose, completed with its output', async () => {
  const events = await jobEvents(example, { input: { score: 75 } })
  expect(events.map((e) => `${e.job_id}:${e.event}`)).toEqual(['classify-score:started', 'classify-score:routed', 'grade-b:started', 'grade-b:completed'])
  const [started, routed, , completed] = events
  expect(started).toMatchObject({ workflow_id: '__default__', run_id: null, elapsed: null })
  expect(routed).toMatchObject({ next_job_id: 'grade-b', run_id: null })
  expect(routed!.elapsed).toBeNumber()
  expect(completed!.output).toEqual({ grade: 'B', score: 75, message: 'Good job, keep it up.', rendered: '[Grade B] score=75 - Good job, keep it up.' })
  // The other branch: the same job routes elsewhere.
  const high = await jobEvents(example, { input: { score: 95 } })
  expect(high.find((e) => e.event === 'routed')!.next_job_id).toBe('grade-a')
})

test('repeat_count: the completed event lists the runs as resume_task names them, with every output', async () => {
  const events = await jobEvents(mc, { workflow_id: 'rolls', input: { word: 'hi' } })
  expect(events.map((e) => e.event)).toEqual(['started', 'completed'])
  expect(events[1]).toMatchObject({ job_id: 'roll', run_id: ['0', '1'], output: ['hi', 'hi'] })
})

test('bounded: an output past MC_WS_JOB_OUTPUT_BYTES, and a streamed one, are left out saying why', async () => {
  const big = (await jobEvents(mc, { workflow_id: 'big' })).find((e) => e.event === 'completed')!
  expect(big.output).toBeNull()
  expect(big.output_omitted).toBe('larger than 1024 bytes as JSON (MC_WS_JOB_OUTPUT_BYTES)')
  const streamed = (await jobEvents(mc, { workflow_id: 'chat', input: { prompt: 'a b c' } })).find((e) => e.event === 'completed')!
  expect(streamed.output).toBeNull()
  expect(String(streamed.output_omitted)).toStartWith('a stream')
  // A small output still goes whole.
  const echo = (await jobEvents(mc, { workflow_id: 'echo', input: { word: 'yo' } })).find((e) => e.event === 'completed')!
  expect(echo.output).toBe('yo')
})
