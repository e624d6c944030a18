// The semaphore behind max_concurrent_count: FIFO, unlimited at 0, a waiter
// whose signal fires leaves the queue, low-priority waiters go last.
import { expect, test } from 'bun:test'
import { Semaphore, type Release } from '../../core/workflow/semaphore.ts'

test('waiters are served in order, low-priority ones after every other', async () => {
  const slots = new Semaphore(1)
  const first = await slots.acquire()
  const order: string[] = []
  const granted: Release[] = [first]
  const wait = (name: string, low: boolean) =>
    void slots.acquire(undefined, low).then((release) => {
      order.push(name)
      granted.push(release)
    })
  wait('low 1', true)
  wait('normal 1', false)
  wait('low 2', true)
  wait('normal 2', false)
  expect(slots.queued).toBe(4)
  for (let i = 0; i < 4; i++) {
    granted.at(-1)!()
    await Bun.sleep(0)
  }
  expect(order).toEqual(['normal 1', 'normal 2', 'low 1', 'low 2'])
})

test('a low-priority caller takes a free slot at once when nobody waits', async () => {
  const slots = new Semaphore(2)
  await slots.acquire(undefined, true)
  await slots.acquire(undefined, true)
  expect(slots.queued).toBe(0)
})

test('a waiter whose signal fires leaves the queue; 0 is unlimited', async () => {
  const slots = new Semaphore(1)
  const held = await slots.acquire()
  const abort = new AbortController()
  const leaving = slots.acquire(abort.signal)
  abort.abort(new Error('gone'))
  await expect(leaving).rejects.toThrow('gone')
  expect(slots.queued).toBe(0)
  held()
  const unlimited = new Semaphore(0)
  await Promise.all(Array.from({ length: 100 }, () => unlimited.acquire()))
})
