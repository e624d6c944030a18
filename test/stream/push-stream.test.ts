// pushStream: a producer pushes chunks, a consumer pulls them.
import { describe, expect, test } from 'bun:test'
import { pushStream } from '../../core/stream/push-stream.ts'

describe('pushStream', () => {
  test('chunks pushed before reading wait in the queue and come out in order', async () => {
    const pushed = pushStream<string>()
    pushed.push('a')
    pushed.push('b')
    pushed.push('c')
    pushed.end()
    expect(await Array.fromAsync(pushed.stream)).toEqual(['a', 'b', 'c'])
  })

  test('a consumer waiting for a chunk gets it when it is pushed', async () => {
    const pushed = pushStream<number>()
    const reader = pushed.stream[Symbol.asyncIterator]()
    const first = reader.next()
    const second = reader.next()
    pushed.push(1)
    pushed.push(2)
    expect(await first).toEqual({ done: false, value: 1 })
    expect(await second).toEqual({ done: false, value: 2 })
    const third = reader.next()
    pushed.end()
    expect(await third).toEqual({ done: true, value: undefined })
  })

  test('pushes and reads interleaved come out in the order pushed', async () => {
    const pushed = pushStream<number>()
    const reader = pushed.stream[Symbol.asyncIterator]()
    const seen: number[] = []
    for (let i = 0; i < 5; i++) {
      const next = reader.next()
      pushed.push(i)
      pushed.push(i + 100)
      seen.push((await next).value as number)
    }
    pushed.end()
    for await (const n of { [Symbol.asyncIterator]: () => reader }) seen.push(n)
    expect(seen).toEqual([0, 100, 1, 101, 2, 102, 3, 103, 4, 104])
  })

  test('end() finishes the stream after the queued chunks; later pushes are ignored', async () => {
    const pushed = pushStream<string>()
    pushed.push('a')
    pushed.end()
    pushed.push('late')
    expect(await Array.fromAsync(pushed.stream)).toEqual(['a'])
  })

  test('end() with nothing pushed gives an empty stream', async () => {
    const pushed = pushStream<string>()
    pushed.end()
    expect(await Array.fromAsync(pushed.stream)).toEqual([])
  })

  test('fail() throws the error to the consumer after the chunks already queued', async () => {
    const pushed = pushStream<string>()
    const boom = new Error('generation failed')
    pushed.push('a')
    pushed.fail(boom)
    pushed.push('late')
    const reader = pushed.stream[Symbol.asyncIterator]()
    expect(await reader.next()).toEqual({ done: false, value: 'a' })
    await expect(reader.next()).rejects.toBe(boom)
    expect(await reader.next()).toEqual({ done: true, value: undefined })
  })

  test('fail() wakes a consumer waiting for a chunk', async () => {
    const pushed = pushStream<string>()
    const boom = new Error('boom')
    const next = pushed.stream[Symbol.asyncIterator]().next()
    pushed.fail(boom)
    await expect(next).rejects.toBe(boom)
  })
})

describe('pushStream: onAbandon', () => {
  test('called once when the consumer stops early', async () => {
    let abandoned = 0
    const pushed = pushStream<number>(() => abandoned++)
    pushed.push(1)
    pushed.push(2)
    for await (const n of pushed.stream) if (n === 1) break
    expect(abandoned).toBe(1)
    await pushed.stream[Symbol.asyncIterator]().return?.(undefined)
    expect(abandoned).toBe(1)
  })

  test('called when the consumer returns while the queue is empty', async () => {
    let abandoned = 0
    const pushed = pushStream<number>(() => abandoned++)
    const reader = pushed.stream[Symbol.asyncIterator]()
    const next = reader.next()
    pushed.push(1)
    await next
    await reader.return?.(undefined)
    expect(abandoned).toBe(1)
  })

  test('not called when the stream is read to its end', async () => {
    let abandoned = 0
    const pushed = pushStream<number>(() => abandoned++)
    pushed.push(1)
    pushed.end()
    await Array.fromAsync(pushed.stream)
    expect(abandoned).toBe(0)
  })

  // A generator returned before its first read skips its finally: the stream reports abandonment itself.
  test('called when the consumer returns before reading anything', async () => {
    let abandoned = 0
    const pushed = pushStream<number>(() => abandoned++)
    await pushed.stream[Symbol.asyncIterator]().return?.(undefined)
    expect(abandoned).toBe(1)
  })
})
