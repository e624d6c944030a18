// `runtime: process` on a model component: the model runs in a child process
// (mc itself in its worker mode, under mc's supervisor) with the same outputs
// and streaming as in-process; killing that child fails its run with one line
// while mc serves on, and the next run starts a new one; stopping mc leaves no
// process behind. On the tiny fixture model, through mc over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, runMc, startMc, type McProcess } from '../../support/mc.ts'

const GPT2 = join(ROOT, 'test/fixtures/models/tiny-gpt2')

const component = (id: string, runtime: string) => `
  - id: ${id}
    type: model
    task: text-generation
    model: ${GPT2}
    text: \${input.prompt as text}
    streaming: \${input.stream | false}
    params:
      max_output_length: \${input.max | 40}
      do_sample: false
${runtime}`

const compose = (port: number) => `
controller:
  port: ${port}
workflows:
  - id: here
    output: \${output as text;sse-text}
    jobs:
      - component: here
  - id: child
    output: \${output as text;sse-text}
    jobs:
      - component: child
components:
${component('here', '')}
${component('child', '    runtime:\n      type: process\n      start_timeout: 60s\n      stop_timeout: 5s\n      env:\n        MC_TEST_CHILD: "yes"\n')}
`

let mc: McProcess
beforeAll(async () => {
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port) }), ['-v'], port)
})
afterAll(async () => {
  await mc?.stop()
})

/** An answer's text without its SSE event ids (each run has its own). */
const text = async (response: Response) => (await response.text()).replace(/^id: .*\n/gm, '')

/** Waits (at most 10 s) until mc has logged something matching `pattern`. */
async function logged(logs: () => string, pattern: RegExp): Promise<RegExpExecArray | null> {
  const deadline = Date.now() + 10_000
  while (!pattern.test(logs()) && Date.now() < deadline) await Bun.sleep(10)
  return pattern.exec(logs())
}

const run = (workflow: string, input: Record<string, unknown>, signal?: AbortSignal) =>
  fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow, input, output_only: true }), signal })

/** The data of each SSE event of an answer. */
async function events(response: Response): Promise<string[]> {
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  return (await response.text())
    .replace(/^id: .*\n/gm, '')
    .split('\n\n')
    .filter(Boolean)
    .map((event) => event.replace(/^data: /gm, ''))
}

/** The pids of the model's child processes mc has logged, in order. */
const workerPids = () => [...mc.logs().matchAll(/model running in its own process \(pid (\d+)\)/g)].map((m) => Number(m[1]))

/** The process group of a process (/proc/PID/stat: state, ppid, pgrp after the command's name). */
function groupOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1')
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2])
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'))
  } catch {
    return false
  }
}

describe('the same outputs as in-process', () => {
  test('whole texts, batches of prompts aside, are equal', async () => {
    for (const prompt of ['Hello to', 'Go', 'token']) {
      const here = await text(await run('here', { prompt, max: 20 }))
      const child = await text(await run('child', { prompt, max: 20 }))
      expect(child).toBe(here)
    }
  })

  test('streaming: the same pieces, one event each, token by token', async () => {
    const here = await events(await run('here', { prompt: 'Hello to', stream: true, max: 30 }))
    const child = await events(await run('child', { prompt: 'Hello to', stream: true, max: 30 }))
    expect(child.length).toBeGreaterThan(5)
    expect(child).toEqual(here)
  })

  test('the model runs in a child process of its own process group, with the runtime env', () => {
    const [pid] = workerPids()
    expect(pid).toBeGreaterThan(0)
    expect(pid).not.toBe(mc.proc.pid)
    expect(groupOf(pid!)).not.toBe(groupOf(mc.proc.pid)) // its own process group, not mc's
    expect(readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0')).toContain('MC_TEST_CHILD=yes')
  })
})

test('a client that goes away stops the child generation; the next run is served', async () => {
  const abort = new AbortController()
  const response = await run('child', { prompt: 'Go', stream: true, max: 4000 }, abort.signal)
  const reader = response.body!.getReader()
  await reader.read()
  abort.abort()
  const stopped = await logged(mc.logs, /generated (\d+) tokens \(stopped: cancelled\)/)
  expect(stopped).not.toBeNull()
  // The child's own generation was interrupted short of the 4,000 asked for (how short depends on the machine's load).
  expect(Number(stopped![1])).toBeLessThan(4000)
  expect(await text(await run('child', { prompt: 'Hello to', max: 12 }))).toBe('data: ken token to\n\n')
})

test('killing the child mid-run fails that run with one line; mc serves on, and a later run starts a new child', async () => {
  const [pid] = workerPids()
  const response = await run('child', { prompt: 'Go', stream: true, max: 4000 })
  const reader = response.body!.getReader()
  await reader.read() // generation has begun
  process.kill(pid!, 'SIGKILL')
  let rest = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    rest += new TextDecoder().decode(value)
  }
  // The run ends with one error event naming how the child ended, not with 4,000 tokens.
  expect(rest).toContain(`event: error\ndata: {"detail":"the model's process (pid ${pid}) was killed by SIGKILL (out of memory, or killed); the next run starts a new one (component child)"}`)
  expect(rest.split('data: token').length).toBeLessThan(4000)
  expect(alive(mc.proc.pid)).toBe(true)
  // The in-process model is untouched, and the next run on the killed one starts a new child.
  expect(await text(await run('here', { prompt: 'Hello to', max: 12 }))).toBe('data: ken token to\n\n')
  expect(await text(await run('child', { prompt: 'Hello to', max: 12 }))).toBe('data: ken token to\n\n')
  const pids = workerPids()
  expect(pids.length).toBe(2)
  expect(pids[1]).not.toBe(pid)
  expect(alive(pid!)).toBe(false)
}, 30_000)

test('stopping mc stops the child: no process of its group is left', async () => {
  const port = freePort()
  const server = await startMc(composeDir({ 'compose.yml': compose(port) }), [], port)
  let stopped: number | undefined
  try {
    const pid = Number((await logged(server.logs, /model running in its own process \(pid (\d+)\)/))?.[1])
    const group = groupOf(pid)
    expect(alive(pid)).toBe(true)
    stopped = await server.stop()
    expect(stopped).toBe(143) // 128 + SIGTERM, as mc ends on it
    expect(alive(pid)).toBe(false)
    const left = Bun.spawnSync(['ps', '-A', '-o', 'pid=,pgid=']).stdout.toString().split('\n').filter((line) => Number(line.trim().split(/\s+/)[1]) === group)
    expect(left).toEqual([])
  } finally {
    if (stopped === undefined) await server.stop()
  }
}, 30_000)

describe('configuration', () => {
  const file = (runtime: string) => `component:\n  type: model\n  task: text-generation\n  model: ${GPT2}\n  text: hi\n  runtime:\n${runtime}`
  test('max_memory is refused with its place: mc does not cap a child', async () => {
    const result = await runMc(['validate'], { cwd: composeDir({ 'compose.yml': file('    type: process\n    max_memory: 2g\n') }) })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/compose\.yml:\d+:\d+.*max_memory.*does not cap/)
  })
  test('an unknown key of the runtime is refused with its place', async () => {
    const result = await runMc(['validate'], { cwd: composeDir({ 'compose.yml': file('    type: process\n    restart: always\n') }) })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/compose\.yml:\d+:\d+.*restart/)
  })
  test('runtime: process (the short form) loads', async () => {
    const result = await runMc(['validate'], { cwd: composeDir({ 'compose.yml': `component:\n  type: model\n  task: text-generation\n  model: ${GPT2}\n  text: hi\n  runtime: process\n` }) })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  })
})
