// The task store's contract, one suite run against both backends (see
// task-store-backends.ts): what it lets go of, and in which order, to stay
// within its bounds as stored (maxStreamBytes, maxAgeMs, maxBytes,
// maxTombstones), and what a task says once its output is gone.

import { describe, expect, test } from 'bun:test'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import { RUNNING_FLOOR_BYTES } from '../../core/tasks/store/retention.ts'
import { events, ROOMY, storeBackends, storeHooks, until } from './task-store-backends.ts'

const backends = storeBackends()

describe.each(backends)('task store on $name', (backend) => {
  const { open } = storeHooks(backend)

  test('a recording beyond maxStreamBytes (as stored) loses its oldest events, and says from where it starts', async () => {
    // The bound holds ten events of 84 bytes in one batch.
    const max = backend.batchBytes('s', events(1, 10, 84))
    const store = await open(backend.place(), { ...ROOMY, maxStreamBytes: max })
    await store.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    await store.appendEvents('s', events(1, 8, 84))
    expect((await store.readEvents('s', 0, 100)).firstSeq).toBe(1)
    await store.appendEvents('s', events(9, 13, 84))
    const window = await store.readEvents('s', 0, 100)
    expect(window.lastSeq).toBe(13)
    expect(window.events.map((e) => e.seq)).toEqual(events(window.firstSeq, 13).map((e) => e.seq))
    // The first batch is kept (whole, as stored) less the oldest events that had to go: no more than had to.
    const kept = (firstSeq: number) =>
      backend.batchBytes('s', events(1, 8, 84)) - (firstSeq - 1) * backend.eventBytes(events(1, 1, 84)[0]!) + backend.batchBytes('s', events(9, 13, 84))
    expect(window.firstSeq).toBeGreaterThan(1)
    expect(kept(window.firstSeq)).toBeLessThanOrEqual(max)
    expect(kept(window.firstSeq - 1)).toBeGreaterThan(max)
    // One batch larger than the bound keeps only its newest events: ten.
    await store.appendEvents('s', events(14, 40, 84))
    expect(await store.readEvents('s', 0, 100)).toEqual({ events: events(31, 40, 84), firstSeq: 31, lastSeq: 40 })
  })

  test('a 50 MB stream recorded under a 1 MB bound keeps about 1 MB', async () => {
    const place = backend.place()
    const store = await open(place, { ...ROOMY, maxStreamBytes: 1 << 20 })
    await store.create({ task_id: 'big', workflow_id: 'chat', owner: instanceId() })
    const batch = 256
    const eventSize = 1_000
    for (let seq = 1; seq <= (50 << 20) / eventSize; seq += batch) await store.appendEvents('big', events(seq, seq + batch - 1, eventSize))
    const window = await store.readEvents('big', 0, 10_000)
    const recorded = window.events.reduce((sum, e) => sum + backend.eventBytes(e), 0)
    expect(recorded).toBeLessThanOrEqual(1 << 20)
    expect(recorded).toBeGreaterThan(0.95 * (1 << 20))
    expect(window.events[0]!.seq).toBe(window.firstSeq)
    expect(window.events.at(-1)!.seq).toBe(window.lastSeq)
    expect(await backend.footprint(place, 'big')).toBeLessThan(4 << 20)
  }, 60_000)

  test('finished tasks older than maxAgeMs are forgotten', async () => {
    const store = await open(backend.place(), { ...ROOMY, maxAgeMs: 300 })
    await store.create({ task_id: 'old', workflow_id: 'chat', owner: instanceId() })
    await store.appendEvents('old', events(1, 2))
    await store.finish('old', { status: 'completed', output: 'x' })
    await store.create({ task_id: 'running', workflow_id: 'chat', owner: instanceId() })
    await Bun.sleep(600)
    await store.create({ task_id: 'new', workflow_id: 'chat', owner: instanceId() })
    await store.finish('new', { status: 'completed', output: 'y' })
    expect(await store.get('old')).toBeUndefined()
    expect((await store.readEvents('old', 0, 10)).events).toEqual([])
    expect((await store.get('new'))?.output).toBe('y')
    expect((await store.get('running'))?.status).toBe('pending')
  })

  test('beyond maxBytes (everything, as stored) the oldest finished tasks lose output and events, and keep a tombstone saying why', async () => {
    const place = backend.place()
    const roomy = await open(place)
    await roomy.create({ task_id: 'first', workflow_id: 'chat', owner: instanceId() })
    await roomy.markStreamed('first')
    await roomy.appendEvents('first', events(1, 5, 184))
    await roomy.finish('first', { status: 'completed', output: null })
    await roomy.create({ task_id: 'second', workflow_id: 'chat', owner: instanceId() })
    await roomy.finish('second', { status: 'failed', error: 'e'.repeat(500) })
    await roomy.close()
    // Room for what the two take, not for a third.
    const maxBytes = (await backend.counted(place)) + 100
    const store = await open(place, { ...ROOMY, maxBytes })
    await store.create({ task_id: 'third', workflow_id: 'chat', owner: instanceId() })
    await store.finish('third', { status: 'completed', output: 'o'.repeat(600) })
    const first = await store.get('first')
    expect(first).toMatchObject({ status: 'completed', streamed: true })
    expect(first?.output).toBeUndefined()
    expect(first?.dropped).toBe(
      `task "first" completed, but its output is no longer kept: the task store keeps at most ${maxBytes} bytes (MC_TASK_STORE_BYTES), dropping the oldest finished tasks' outputs and recorded streams first`,
    )
    expect(await store.readEvents('first', 0, 10)).toEqual({ events: [], firstSeq: 6, lastSeq: 5 })
    expect((await store.get('second'))?.dropped).toBeUndefined()
    expect((await store.get('third'))?.output).toBe('o'.repeat(600))
    expect(await backend.counted(place)).toBeLessThanOrEqual(maxBytes)
  })

  test('tombstones keep no output or error, and only the newest maxTombstones of them stay', async () => {
    // Room for tombstones, not for one output.
    const store = await open(backend.place(), { ...ROOMY, maxBytes: 20_000, maxTombstones: 3 })
    for (let i = 1; i <= 8; i++) {
      await store.create({ task_id: `t${i}`, workflow_id: 'chat', owner: instanceId() })
      await store.finish(`t${i}`, i % 2 ? { status: 'failed', error: 'e'.repeat(50_000) } : { status: 'completed', output: 'o'.repeat(50_000) })
    }
    for (let i = 1; i <= 5; i++) expect(await store.get(`t${i}`)).toBeUndefined()
    for (let i = 6; i <= 8; i++) {
      const tombstone = await store.get(`t${i}`)
      expect(tombstone).toMatchObject({ task_id: `t${i}`, status: i % 2 ? 'failed' : 'completed' })
      expect(tombstone?.dropped).toStartWith(`task "t${i}" ${i % 2 ? 'failed' : 'completed'}, but its output is no longer kept`)
      expect(tombstone?.output).toBeUndefined()
      expect(tombstone?.error).toBeUndefined()
    }
  })

  test('over maxBytes, finished tasks go first; then running recordings are cut down to a floor, the oldest first', async () => {
    const place = backend.place()
    const store = await open(place, { ...ROOMY, maxBytes: 1_500_000, maxStreamBytes: 1 << 20 })
    const record = async (id: string, kilobytes: number) => {
      await store.create({ task_id: id, workflow_id: 'chat', owner: instanceId() })
      await store.markStreamed(id)
      for (let seq = 1; seq <= kilobytes; seq += 100) await store.appendEvents(id, events(seq, seq + 99, 1000))
    }
    await store.create({ task_id: 'done', workflow_id: 'chat', owner: instanceId() })
    await store.finish('done', { status: 'completed', output: 'o'.repeat(600_000) })
    await record('old', 500)
    await record('new', 500)
    await until(async () => (await store.get('done'))?.dropped !== undefined)
    for (const id of ['old', 'new']) expect((await store.readEvents(id, 0, 1)).firstSeq).toBe(1)
    // Running recordings alone over the bound: the oldest are cut down.
    await record('newer', 500)
    await record('newest', 500)
    await until(async () => (await backend.counted(place)) <= 1_500_000)
    const old = await store.readEvents('old', 0, 10_000)
    expect(old.firstSeq).toBeGreaterThan(1)
    expect(old.lastSeq).toBe(500)
    expect(old.events.reduce((sum, e) => sum + backend.eventBytes(e), 0)).toBeLessThanOrEqual(RUNNING_FLOOR_BYTES)
    expect((await store.readEvents('newest', 0, 1)).firstSeq).toBe(1)
  }, 30_000)
})
