// The task store's contract for interrupts (a run waiting for a human's
// answer), on both backends: a processing task becomes interrupted with its
// point and kept state, survives its owner's death and a reopening, counts
// its state in the store's bytes, and of concurrent resumes exactly one gets
// the state back.

import { describe, expect, test } from 'bun:test'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import type { InterruptPoint } from '../../core/tasks/store/task-store.ts'
import { CHILD_INSTANCE, childOwningTask, ROOMY, storeBackends, storeHooks } from './task-store-backends.ts'

const backends = storeBackends()
const POINT: InterruptPoint = { job_id: 'review', run_id: null, phase: 'before', message: 'Approve?', metadata: { path: '/tmp/x' } }

describe.each(backends)('interrupted tasks on the $name store', (backend) => {
  const { open, children } = storeHooks(backend)

  test('processing → interrupted (point shown, state kept) → one resume gets the state → processing', async () => {
    const store = await open(backend.place())
    await store.create({ task_id: 't', workflow_id: 'w', owner: instanceId() })
    // Only a processing task can be interrupted.
    expect(await store.interrupt('t', POINT, 'state')).toBe(false)
    await store.start('t')
    expect(await store.interrupt('t', POINT, '{"journal":[1,2,3]}')).toBe(true)
    expect(await store.interrupt('t', POINT, 'again')).toBe(false)
    expect(await store.get('t')).toMatchObject({ status: 'interrupted', interrupt: POINT })
    const resumes = await Promise.all(Array.from({ length: 5 }, () => store.resume('t', 'someone')))
    expect(resumes.filter((state) => state !== undefined)).toEqual(['{"journal":[1,2,3]}'])
    const task = await store.get('t')
    expect(task).toMatchObject({ status: 'processing', owner: 'someone' })
    expect(task?.interrupt).toBeUndefined()
    expect(await store.resume('t', 'someone')).toBeUndefined()
    expect(await store.resume('unknown', 'someone')).toBeUndefined()
  })

  test("an interrupted task outlives its owner's death and a reopening; cancelling it finishes it", async () => {
    const place = backend.place()
    // A child process owns a running task; it is interrupted, then the child is SIGKILLed.
    const child = await childOwningTask(backend.openInChild(place), 'waiting', CHILD_INSTANCE)
    children.push(child)
    const store = await open(place)
    expect(await store.interrupt('waiting', POINT, 'kept')).toBe(true)
    child.kill('SIGKILL')
    await child.exited
    expect(await store.recover()).toBe(0)
    await store.close()
    const again = await open(place)
    expect(await again.get('waiting')).toMatchObject({ status: 'interrupted', interrupt: POINT })
    expect(await again.finish('waiting', { status: 'failed', error: 'cancelled' })).toBe(true)
    expect(await again.get('waiting')).toMatchObject({ status: 'failed', error: 'cancelled' })
    expect(await again.resume('waiting', instanceId())).toBeUndefined()
  })

  test('the kept state counts in the store bytes, and is given back on resume and on finish', async () => {
    const place = backend.place()
    const store = await open(place, ROOMY)
    for (const id of ['a', 'b']) {
      await store.create({ task_id: id, workflow_id: 'w', owner: instanceId() })
      await store.start(id)
    }
    const before = await backend.counted(place)
    const big = 'x'.repeat(200_000)
    await store.interrupt('a', POINT, big)
    await store.interrupt('b', POINT, big)
    const held = await backend.counted(place)
    expect(held - before).toBeGreaterThan(2 * 200_000)
    expect(await store.resume('a', instanceId())).toBe(big)
    await store.finish('b', { status: 'failed', error: 'cancelled' })
    await store.finish('a', { status: 'completed', output: 1 })
    expect(Math.abs((await backend.counted(place)) - before)).toBeLessThan(20_000)
  })
})
