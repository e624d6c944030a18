// The task store's contract, one suite run against both backends (see
// task-store-backends.ts): who owns a running task. A claim hands it over;
// the tasks of owners that died (real child processes, SIGKILLed) fail
// "interrupted", on this host at recover and on another once its heartbeat
// is stale.

import { describe, expect, test } from 'bun:test'
import { ulid } from 'ulid'
import { instanceId } from '../../core/tasks/store/instance-id.ts'
import { CHILD_INSTANCE, childOwningTask, earlierLife, ROOMY, storeBackends, storeHooks } from './task-store-backends.ts'

const backends = storeBackends()

describe.each(backends)('task store on $name', (backend) => {
  const { open, children } = storeHooks(backend)

  test('a claimed task is the new owner\'s: its cancel requests go there, and its first owner\'s death no longer fails it', async () => {
    const place = backend.place()
    const child = await childOwningTask(backend.openInChild(place), 'handed', CHILD_INSTANCE)
    children.push(child)
    const worker = await open(place)
    expect(await worker.claim('handed', instanceId())).toBe(true)
    expect((await worker.get('handed'))?.owner).toBe(instanceId())
    expect(await worker.claim('nobody', instanceId())).toBe(false)
    const heard: string[] = []
    worker.onCancelRequest((id) => heard.push(id))
    const asker = await open(place, ROOMY, earlierLife())
    await asker.requestCancel('handed')
    const deadline = Date.now() + 5_000
    while (!heard.includes('handed') && Date.now() < deadline) await Bun.sleep(10)
    expect(heard).toEqual(['handed'])
    child.kill('SIGKILL')
    await child.exited
    expect(await worker.recover()).toBe(0)
    expect((await worker.get('handed'))?.status).toBe('processing')
    await worker.finish('handed', { status: 'completed', output: null })
    expect(await worker.claim('handed', earlierLife())).toBe(false)
  })

  test('recover fails the unfinished tasks of a SIGKILLed process, and of this process in an earlier life, not of live ones', async () => {
    const place = backend.place()
    const child = await childOwningTask(backend.openInChild(place), 'killed', CHILD_INSTANCE)
    children.push(child)
    child.kill('SIGKILL')
    await child.exited
    // This process in an earlier life, restarted before its heartbeat went stale.
    const earlier = earlierLife()
    await (await open(place, ROOMY, earlier)).create({ task_id: 'earlier', workflow_id: 'chat', owner: earlier })
    const store = await open(place)
    await store.create({ task_id: 'live', workflow_id: 'chat', owner: instanceId() })
    await store.start('live')
    expect(await store.recover()).toBe(2)
    for (const id of ['killed', 'earlier']) {
      const task = await store.get(id)
      expect(task?.status).toBe('failed')
      expect(task?.error).toMatch(/^abandoned: the mc process running it stopped before it finished$/)
    }
    expect((await store.readEvents('killed', 0, 10)).events).toEqual([{ seq: 1, data: 'hello' }])
    expect((await store.get('live'))?.status).toBe('processing')
    expect(await store.recover()).toBe(0)
  })

  test("a SIGKILLed owner's task on another host fails within 15 s with nobody calling recover; a live owner's stays", async () => {
    const place = backend.place()
    // Owners on another host: only their heartbeats tell whether they live.
    const elsewhere = `'${ulid()}@elsewhere.invalid:' + process.pid`
    const child = await childOwningTask(backend.openInChild(place), 'doomed', elsewhere)
    children.push(child)
    const watcher = await open(place)
    const liveOwner = `${ulid()}@elsewhere.invalid:1`
    const live = await open(place, ROOMY, liveOwner)
    await live.create({ task_id: 'alive', workflow_id: 'chat', owner: liveOwner })
    await live.start('alive')
    child.kill('SIGKILL')
    await child.exited
    const killedAt = performance.now()
    // A reader attached to the run is woken by the failure: it does not hang.
    const deadline = new AbortController()
    setTimeout(() => deadline.abort(), 25_000)
    let seen = 1
    while (!deadline.signal.aborted) {
      const task = await watcher.get('doomed')
      if (task?.status === 'failed') break
      await watcher.waitForChange('doomed', seen, 25_000, deadline.signal)
      seen = (await watcher.readEvents('doomed', 0, 1)).lastSeq
    }
    const took = performance.now() - killedAt
    console.log(`a SIGKILLed owner's task failed ${(took / 1000).toFixed(1)} s after the kill`)
    const failed = await watcher.get('doomed')
    expect(failed?.status).toBe('failed')
    expect(failed?.error).toMatch(/^abandoned: the mc process running it stopped before it finished$/)
    // The bound: a heartbeat is stale after 10 s, owners are checked every 3 s: 13 s, with margin for a slow machine.
    expect(took).toBeLessThan(15_000 + 3_000)
    expect((await watcher.get('alive'))?.status).toBe('processing')
  }, 30_000)
})
