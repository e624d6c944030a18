// The task store's contract, one suite run against both backends (see
// task-store-backends.ts): a task's record, created, started, finished once
// and read back, across a reopening; its recorded events, read in windows.

import { describe, expect, test } from 'bun:test'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import { events, storeBackends, storeHooks } from './task-store-backends.ts'

const backends = storeBackends()

describe.each(backends)('task store on $name', (backend) => {
  const { open } = storeHooks(backend)

  test('a task is created, started, finished once, and read back', async () => {
    const store = await open(backend.place())
    expect(store.kind).toBe(backend.name)
    await store.create({ task_id: 'a', workflow_id: 'chat', owner: instanceId() })
    expect(await store.get('a')).toMatchObject({ task_id: 'a', workflow_id: 'chat', status: 'pending', streamed: false, owner: instanceId() })
    await store.start('a')
    expect((await store.get('a'))?.status).toBe('processing')
    expect(await store.finish('a', { status: 'completed', output: { text: 'hi', n: [1, 2] } })).toBe(true)
    expect(await store.finish('a', { status: 'failed', error: 'too late' })).toBe(false)
    const task = await store.get('a')
    expect(task).toMatchObject({ status: 'completed', output: { text: 'hi', n: [1, 2] } })
    expect(task?.error).toBeUndefined()
    expect(task?.finished_at).toBeGreaterThanOrEqual(task!.created_at)
    expect(await store.get('nope')).toBeUndefined()
    await expect(store.create({ task_id: 'a', workflow_id: 'chat', owner: instanceId() })).rejects.toThrow('task store: a task "a" exists already')
  })

  test('tasks survive closing and reopening the store', async () => {
    const place = backend.place()
    const first = await open(place)
    for (const id of ['done', 'broken', 'streamed']) await first.create({ task_id: id, workflow_id: 'chat', owner: instanceId() })
    await first.finish('done', { status: 'completed', output: [1, 'two'] })
    await first.finish('broken', { status: 'failed', error: 'upstream said 500' })
    await first.markStreamed('streamed')
    await first.appendEvents('streamed', events(1, 3))
    await first.close()
    const again = await open(place)
    expect(await again.get('done')).toMatchObject({ status: 'completed', output: [1, 'two'] })
    expect(await again.get('broken')).toMatchObject({ status: 'failed', error: 'upstream said 500' })
    expect(await again.get('streamed')).toMatchObject({ status: 'pending', streamed: true })
    expect((await again.readEvents('streamed', 0, 10)).events.map((e) => e.seq)).toEqual([1, 2, 3])
  })

  test('events are read in windows after a seq; a gap or an unknown task is refused', async () => {
    const store = await open(backend.place())
    await store.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    await store.appendEvents('s', [...events(1, 5), { seq: 6, event: 'error', data: '{"error":"x"}' }])
    const window = await store.readEvents('s', 2, 3)
    expect(window).toEqual({ events: events(3, 5), firstSeq: 1, lastSeq: 6 })
    expect((await store.readEvents('s', 5, 10)).events).toEqual([{ seq: 6, event: 'error', data: '{"error":"x"}' }])
    expect((await store.readEvents('s', 6, 10)).events).toEqual([])
    expect(await store.readEvents('unknown', 0, 10)).toEqual({ events: [], firstSeq: 1, lastSeq: 0 })
    await expect(store.appendEvents('s', events(8, 9))).rejects.toThrow('task store: task "s" records event 7 next, not 8')
    await expect(store.appendEvents('unknown', events(1, 1))).rejects.toThrow('no task "unknown"')
  })

  test('a completed output that was cut short says so, and keeps saying so', async () => {
    const place = backend.place()
    const first = await open(place)
    await first.create({ task_id: 'cut', workflow_id: 'chat', owner: instanceId() })
    await first.finish('cut', { status: 'completed', output: 'the start of it', output_truncated: true })
    await first.create({ task_id: 'whole', workflow_id: 'chat', owner: instanceId() })
    await first.finish('whole', { status: 'completed', output: 'all of it' })
    expect(await first.get('cut')).toMatchObject({ status: 'completed', output: 'the start of it', output_truncated: true })
    await first.close()
    const again = await open(place)
    expect(await again.get('cut')).toMatchObject({ status: 'completed', output: 'the start of it', output_truncated: true })
    expect((await again.get('whole'))?.output_truncated).toBeUndefined()
  })
})
