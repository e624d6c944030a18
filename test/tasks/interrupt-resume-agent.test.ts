// model-compose 0.4.92's examples/agents/human-in-the-loop (copied under
// test/fixtures/model-compose/0.4.92/agents/human-in-the-loop/), its model
// played by a local tool-calling upstream: the agent calls write_file, whose
// tool workflow interrupts before writing; the whole task is interrupted at
// that tool's job. mc stops; a new mc on the same store resumes the task: the
// run is replayed — the model's first turn comes from the journal (the
// upstream is not asked again), the tool writes the file once, and the
// model's second turn finishes the task. Resumed in the same mc, the waiting
// run just goes on.

import { afterAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { settledTask } from '../support/interrupts.ts'
import { composeDir, freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'
import { startToolCallingUpstream } from '../support/tool-calling-upstream.ts'

const EXAMPLE = join(ROOT, 'test/fixtures/model-compose/0.4.92/agents/human-in-the-loop/model-compose.yml')

const started: McProcess[] = []
afterAll(() => Promise.all(started.map((mc) => mc.stop())))

/** The example, its model played by `upstreamUrl`, in a folder of its own. */
function exampleDir(port: number, upstreamUrl: string): string {
  const text = readFileSync(EXAMPLE, 'utf8')
    .replace('port: 8080', `port: ${port}`)
    .replace(/\n {2}webui:\n {4}driver: gradio\n {4}port: 8081\n/, '\n')
    .replace('https://api.openai.com/v1', `${upstreamUrl}/v1`)
  return composeDir({ 'model-compose.yml': text })
}

const ENV = { OPENAI_API_KEY: 'sk-test' }
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

const script = (target: string) => [{ toolCalls: [{ id: 'call_1', name: 'write_file', arguments: { path: target, content: 'hello from the agent' } }] }, { text: 'The file is written.' }]

test('the agent waits at a tool\'s interrupt across an mc restart, and finishes without asking the model twice', async () => {
  const port = freePort()
  const target = join(composeDir({}), 'note.txt')
  const upstream = startToolCallingUpstream({ script: script(target) })
  try {
    const dir = exampleDir(port, upstream.url)
    const first = await startMc(dir, [], port, ENV)
    started.push(first)
    const interrupted = (await (await post(`${first.url}/api/workflows/runs`, { input: { request: `Write "hello from the agent" to ${target}` } })).json()) as Record<string, any>
    expect(interrupted).toMatchObject({
      status: 'interrupted',
      interrupt: { phase: 'before', message: 'The agent wants to write to a file. Please review and approve.', metadata: { path: target, content: 'hello from the agent' } },
    })
    expect(upstream.requests.length).toBe(1)
    await first.stop()

    const second = await startMc(dir, [], port, ENV)
    started.push(second)
    const api = `${second.url}/api`
    const id = interrupted.task_id as string
    expect((await post(`${api}/tasks/${id}/resume`, { job_id: interrupted.interrupt.job_id })).status).toBe(200)
    expect(await settledTask(api, id)).toEqual({ task_id: id, status: 'completed', output: 'The file is written.' })
    expect(readFileSync(target, 'utf8')).toBe('hello from the agent\n')
    // The first turn came from the journal: the upstream answered two turns in all.
    expect(upstream.requests.length).toBe(2)
  } finally {
    upstream.stop()
  }
})

test('resumed in the same mc, the agent\'s waiting tool call goes on', async () => {
  const port = freePort()
  const target = join(composeDir({}), 'note.txt')
  const upstream = startToolCallingUpstream({ script: script(target) })
  try {
    const mc = await startMc(exampleDir(port, upstream.url), [], port, ENV)
    started.push(mc)
    const api = `${mc.url}/api`
    const interrupted = (await (await post(`${api}/workflows/runs`, { input: { request: 'write it' } })).json()) as Record<string, any>
    expect(interrupted.status).toBe('interrupted')
    // An answer before replaces the tool job's input.
    const answer = { path: target, content: 'edited by the human' }
    expect((await post(`${api}/tasks/${interrupted.task_id}/resume`, { job_id: interrupted.interrupt.job_id, answer })).status).toBe(200)
    expect(await settledTask(api, interrupted.task_id)).toMatchObject({ status: 'completed', output: 'The file is written.' })
    expect(readFileSync(target, 'utf8')).toBe('edited by the human\n')
    expect(upstream.requests.length).toBe(2)
  } finally {
    upstream.stop()
  }
})
