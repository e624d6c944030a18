// The task store's contract, one suite run against both backends (see
// task-store-backends.ts): readers waiting for a task to change are woken by
// writes of this store and of others on the same place, and cancel requests
// reach the store whose process runs the task.

import { describe, expect, test } from 'bun:test'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import type { TaskStore } from '../../core/tasks/store/task-store.ts'
import { earlierLife, events, ROOMY, storeBackends, storeHooks } from './task-store-backends.ts'

const backends = storeBackends()

describe.each(backends)('task store on $name', (backend) => {
  const { open } = storeHooks(backend)

  test('a waiter is woken at once by this store, by another store on the same place, and by a finish', async () => {
    const place = backend.place()
    const here = await open(place)
    const there = await open(place)
    await here.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    const never = new AbortController().signal
    const woken = async (store: TaskStore, afterSeq: number, act: () => Promise<unknown>) => {
      const started = performance.now()
      const waiting = store.waitForChange('s', afterSeq, 10_000, never)
      await Bun.sleep(50)
      await act()
      await waiting
      return performance.now() - started - 50
    }
    expect(await woken(here, 0, () => here.appendEvents('s', events(1, 1)))).toBeLessThan(1_000)
    // Other processes' writes: sqlite polls (every 50 ms), Redis publishes.
    expect(await woken(there, 1, () => here.appendEvents('s', events(2, 2)))).toBeLessThan(backend.name === 'redis' ? 500 : 2_000)
    expect(await woken(here, 2, () => there.appendEvents('s', events(3, 3)))).toBeLessThan(backend.name === 'redis' ? 500 : 2_000)
    expect(await woken(there, 3, () => here.finish('s', { status: 'completed', output: null }))).toBeLessThan(2_000)
    // Already changed after the seq, or finished: no wait at all.
    const started = performance.now()
    await there.waitForChange('s', 1, 10_000, never)
    await here.waitForChange('s', 3, 10_000, never)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  test('a wait ends at its timeout or when its signal aborts', async () => {
    const store = await open(backend.place())
    await store.create({ task_id: 's', workflow_id: 'chat', owner: instanceId() })
    let started = performance.now()
    await store.waitForChange('s', 0, 200, new AbortController().signal)
    expect(performance.now() - started).toBeGreaterThanOrEqual(150)
    const abort = new AbortController()
    started = performance.now()
    setTimeout(() => abort.abort(), 100)
    await store.waitForChange('s', 0, 10_000, abort.signal)
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  test('a cancel request reaches the listeners of the store whose process runs the task', async () => {
    const place = backend.place()
    const runner = await open(place, ROOMY, instanceId())
    const asker = await open(place, ROOMY, earlierLife())
    await runner.create({ task_id: 'run', workflow_id: 'chat', owner: instanceId() })
    await runner.start('run')
    const heard: string[] = []
    const stop = runner.onCancelRequest((id) => heard.push(id))
    await asker.requestCancel('run')
    const deadline = Date.now() + 5_000
    while (!heard.includes('run') && Date.now() < deadline) await Bun.sleep(10)
    expect(heard).toEqual(['run'])
    stop()
    await asker.requestCancel('run')
    await Bun.sleep(300)
    expect(heard).toEqual(['run'])
  })
})
