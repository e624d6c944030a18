// Runs are capped (issue 18, point 1): background runs past MC_MAX_BACKGROUND_RUNS
// and any runs past MC_MAX_RUNS are answered at once, 503 with Retry-After, and
// nothing is started; a place frees up when a run ends. Never-ending
// background streams can no longer starve a one-shot run. A background
// stream keeps only MC_TASK_OUTPUT_BYTES of its output (point 2). Request bodies
// being read share one cap, MC_MAX_BODIES_IN_FLIGHT_BYTES (point 9).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { chatEchoCompose, until, words } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let mc: McProcess
let api: string

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  const dir = composeDir({ 'compose.yml': chatEchoCompose(port, upstream.url, { key: 'limits', delayMs: 1000 }) })
  mc = await startMc(dir, [], port, { MC_MAX_RUNS: '5', MC_MAX_BACKGROUND_RUNS: '3', MC_TASK_OUTPUT_BYTES: '1KiB', MC_MAX_BODIES_IN_FLIGHT_BYTES: '256KiB' })
  api = `${mc.url}/api`
})
afterAll(async () => {
  await mc.stop()
  upstream.stop()
})

const post = (body: unknown, signal?: AbortSignal) =>
  fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) })

/** A chat that streams for about half an hour: one word a second. */
const endless = { workflow_id: 'chat', input: { prompt: words(2000), key: 'endless' } }

async function taskOf(id: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${api}/tasks/${id}`)).json()) as Record<string, unknown>
}

test('background runs past MC_MAX_BACKGROUND_RUNS get 503 at once; a one-shot run still runs', async () => {
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const answer = await post({ ...endless, wait_for_completion: false })
    expect(answer.status).toBe(200)
    ids.push(((await answer.json()) as { task_id: string }).task_id)
  }
  const started = performance.now()
  const refused = await post({ ...endless, wait_for_completion: false })
  expect(performance.now() - started).toBeLessThan(1000)
  expect(refused.status).toBe(503)
  expect(refused.headers.get('retry-after')).toBe('5')
  expect(((await refused.json()) as { detail: string }).detail).toContain('MC_MAX_BACKGROUND_RUNS')

  // A waited one-shot run is not held back by the three endless ones.
  const quick = await post({ workflow_id: 'echo', input: { word: 'hi' } })
  expect(quick.status).toBe(200)
  expect(((await quick.json()) as { output: unknown }).output).toEqual({ said: 'hi' })

  // Cancelling one frees its place.
  await fetch(`${api}/tasks/${ids[0]}/cancel`, { method: 'POST' })
  await until('a background place is free', async () => {
    const again = await post({ ...endless, wait_for_completion: false })
    if (again.status === 200) ids[0] = ((await again.json()) as { task_id: string }).task_id
    else await again.arrayBuffer()
    return again.status === 200
  })
  for (const id of ids) await fetch(`${api}/tasks/${id}/cancel`, { method: 'POST' })
})

test('runs past MC_MAX_RUNS, waited ones included, get 503 until one ends', async () => {
  const clients = Array.from({ length: 5 }, () => new AbortController())
  const streams = await Promise.all(clients.map((client) => post({ ...endless, output_only: true }, client.signal)))
  for (const answer of streams) expect(answer.status).toBe(200)

  const refused = await post({ workflow_id: 'echo', input: { word: 'hi' } })
  expect(refused.status).toBe(503)
  expect(refused.headers.get('retry-after')).toBe('5')
  expect(((await refused.json()) as { detail: string }).detail).toContain('MC_MAX_RUNS')

  // A client that goes ends its run, and its place is free again.
  clients[0]!.abort()
  await until('a place is free', async () => {
    const again = await post({ workflow_id: 'echo', input: { word: 'hi' } })
    await again.arrayBuffer()
    return again.status === 200
  })
  for (const client of clients) client.abort()
})

test('a background stream keeps only MC_TASK_OUTPUT_BYTES of its output, and says so', async () => {
  const answer = await post({ workflow_id: 'chat', input: { prompt: words(800), key: 'long', delay_ms: 0 }, wait_for_completion: false })
  const { task_id } = (await answer.json()) as { task_id: string }
  await until('the run ended', async () => !['processing', 'pending'].includes((await taskOf(task_id)).status as string))
  const task = await taskOf(task_id)
  expect(task.status).toBe('completed')
  expect(task.output_truncated).toBe(true)
  const output = task.output as string
  // The start of the stream (the upstream echoes the prompt), cut at the bound: 800 words are ~4 KB.
  expect(Buffer.byteLength(output)).toBeLessThanOrEqual(1024)
  expect(Buffer.byteLength(output)).toBeGreaterThan(1000)
  expect(`You said: ${words(800)}`.startsWith(output)).toBe(true)

  // Short enough: whole, and no flag.
  const short = await post({ workflow_id: 'chat', input: { prompt: 'a few words', key: 'short', delay_ms: 0 }, wait_for_completion: false })
  const shortId = ((await short.json()) as { task_id: string }).task_id
  await until('the short run ended', async () => (await taskOf(shortId)).status === 'completed')
  const whole = await taskOf(shortId)
  expect(whole.output_truncated).toBeUndefined()
  expect(whole.output).toBe('You said: a few words')
})

test('request bodies being read share MC_MAX_BODIES_IN_FLIGHT_BYTES: past it, 503; the bytes come back once a body is in', async () => {
  const piece = new TextEncoder().encode(`{"workflow_id": "echo", "input": {"word": "${'x'.repeat(80_000)}`)
  const end = new TextEncoder().encode('"}}')
  // Three clients send 80 KB each and hold the rest back: 240 KB of the 256 KiB are taken.
  const held = Array.from({ length: 3 }, () => Promise.withResolvers<void>())
  const slow = held.map(({ promise }) => {
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(piece)
        await promise
        controller.enqueue(end)
        controller.close()
      },
    })
    return fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  })
  await Bun.sleep(500)
  const refused = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([...piece, ...end]) })
  expect(refused.status).toBe(503)
  expect(refused.headers.get('retry-after')).toBe('5')
  expect(((await refused.json()) as { detail: string }).detail).toContain('MC_MAX_BODIES_IN_FLIGHT_BYTES')

  for (const { resolve } of held) resolve()
  for (const answer of await Promise.all(slow)) {
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { output: { said: string } }).output.said).toHaveLength(80_000)
  }
  const accepted = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([...piece, ...end]) })
  expect(accepted.status).toBe(200)
  await accepted.arrayBuffer()
})

test('background runs wait behind waited ones for a component slot', async () => {
  const port = freePort()
  const slow = await startMc(
    composeDir({
      'compose.yml': `controller:\n  port: ${port}\ncomponent:\n  type: shell\n  max_concurrent_count: 1\n  command: [sh, -c, "sleep 0.2; echo done"]\n  output: \${result.stdout}\n`,
    }),
    [],
    port,
  )
  try {
    const run = (body: unknown) =>
      fetch(`${slow.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push(((await (await run({ wait_for_completion: false })).json()) as { task_id: string }).task_id)
    // Ten background runs queue for the one slot (2 s of work); a waited run goes ahead of all but the one running.
    const waited = await run({})
    expect(((await waited.json()) as { output: string }).output.trim()).toBe('done')
    const statuses = await Promise.all(ids.map(async (id) => ((await (await fetch(`${slow.url}/api/tasks/${id}`)).json()) as { status: string }).status))
    expect(statuses.filter((status) => status === 'completed').length).toBeLessThanOrEqual(2)
  } finally {
    await slow.stop()
  }
})
