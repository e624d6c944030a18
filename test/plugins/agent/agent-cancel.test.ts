// Cancelling an agent's run stops what it is doing at once, over real mc
// processes: the client going away mid model call closes the request to the
// model; a client gone, or the task cancelled, mid tool call stops the
// tool's process (its pid is gone), and the model is never asked again.
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, startMc, type McProcess } from '../../support/mc.ts'
import { alive } from '../../support/processes.ts'
import { until } from '../../support/task-streams.ts'
import { call, HOLD, startToolCallingUpstream, type ToolCallingUpstream } from '../../support/tool-calling-upstream.ts'
import { MAIN_WORKFLOW, MODEL_KEY, OPENAI_MODEL } from './agent-compose.ts'

let model: ToolCallingUpstream | undefined
let mc: McProcess | undefined
afterEach(async () => {
  await mc?.stop()
  model?.stop()
})

const file = (port: number) => `
controller:
  type: http-server
  port: ${port}
  base_path: /api
workflows:${MAIN_WORKFLOW}
  - id: slow
    name: slow_tool
    private: true
    job:
      component: sleeper
components:
  - id: agent
    type: agent${MODEL_KEY}
    tools: [slow]
    action:
      prompt: \${input.question}
${OPENAI_MODEL}
  - id: sleeper
    type: shell
    command: [sh, -c, "echo $$ > tool.pid; exec sleep 60"]
`

async function start() {
  const port = freePort()
  const dir = composeDir({ 'model-compose.yml': file(port) })
  mc = await startMc(dir, [], port, { MODEL_URL: model!.url, OPENAI_API_KEY: 'sk-test' })
  return dir
}

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${mc!.url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) })

/** The tool's pid once it runs. */
async function toolPid(dir: string): Promise<number> {
  const path = join(dir, 'tool.pid')
  await until('the tool started', () => existsSync(path) && readFileSync(path, 'utf8').trim() !== '', 20_000)
  return Number(readFileSync(path, 'utf8').trim())
}

describe('cancelling an agent run', () => {
  test('the client going away mid model call closes the request to the model', async () => {
    model = startToolCallingUpstream({ script: () => HOLD })
    await start()
    const client = new AbortController()
    const answer = post('/workflows/runs', { workflow_id: 'main', input: { question: 'q' }, wait_for_completion: true }, client.signal).catch(() => 'aborted')
    await model.held(1)
    client.abort()
    expect(await answer).toBe('aborted')
    await until('the model request was closed', () => model!.abandoned() === 1, 20_000)
  })

  test('the client going away mid tool call stops the tool process', async () => {
    model = startToolCallingUpstream({ script: () => ({ toolCalls: [call('s1', 'slow_tool')] }) })
    const dir = await start()
    const client = new AbortController()
    const answer = post('/workflows/runs', { workflow_id: 'main', input: { question: 'q' }, wait_for_completion: true }, client.signal).catch(() => 'aborted')
    const pid = await toolPid(dir)
    expect(alive(pid)).toBe(true)
    client.abort()
    expect(await answer).toBe('aborted')
    await until('the tool process is gone', () => !alive(pid), 20_000)
    expect(model.requests).toHaveLength(1)
  })

  test('cancelling the task mid tool call stops the tool process; the task failed as cancelled', async () => {
    model = startToolCallingUpstream({ script: () => ({ toolCalls: [call('s1', 'slow_tool')] }) })
    const dir = await start()
    const { task_id } = (await (await post('/workflows/runs', { workflow_id: 'main', input: { question: 'q' }, wait_for_completion: false })).json()) as { task_id: string }
    const pid = await toolPid(dir)
    const cancelled = await post(`/tasks/${task_id}/cancel`, {})
    expect(cancelled.status).toBe(200)
    await until('the tool process is gone', () => !alive(pid), 20_000)
    expect(await (await fetch(`${mc!.url}/api/tasks/${task_id}`)).json()).toEqual({ task_id, status: 'failed', error: 'cancelled' })
    expect(model.requests).toHaveLength(1)
  })
})
