// mapDefined: maps each chunk, drops those mapped to null or undefined.
import { describe, expect, test } from 'bun:test'
import { framingOf, markMessages } from '../../core/stream/framing.ts'
import { mapDefined } from '../../core/stream/map-defined.ts'
import { tracked } from './tracked-source.ts'

describe('mapDefined', () => {
  test('maps each chunk, in order', async () => {
    const source = tracked(['a', 'b', 'c'])
    expect(await Array.fromAsync(mapDefined(source.stream, (chunk) => chunk.toUpperCase()))).toEqual(['A', 'B', 'C'])
    expect(source.finished).toBe(true)
  })

  test('drops chunks mapped to null or undefined', async () => {
    const deltas = [{ role: 'assistant' }, { content: 'Hel' }, {}, { content: 'lo' }, { content: null }]
    const mapped = mapDefined(tracked(deltas).stream, (delta: { content?: string | null }) => delta.content)
    expect(await Array.fromAsync(mapped)).toEqual(['Hel', 'lo'])
  })

  test('keeps falsy chunks that are not null or undefined', async () => {
    const mapped = mapDefined(tracked([0, '', false, Number.NaN]).stream, (chunk) => chunk)
    expect(await Array.fromAsync(mapped)).toEqual([0, '', false, Number.NaN])
  })

  test('an empty source gives an empty stream', async () => {
    expect(await Array.fromAsync(mapDefined(tracked<number>([]).stream, (chunk) => chunk))).toEqual([])
  })

  test('works over any async iterable (a ReadableStream)', async () => {
    const body = new ReadableStream<number>({
      start(controller) {
        for (const n of [1, 2, 3]) controller.enqueue(n)
        controller.close()
      },
    })
    expect(await Array.fromAsync(mapDefined(body, (n) => n * 10))).toEqual([10, 20, 30])
  })

  test('mapDefined over mapDefined applies both, in order', async () => {
    const inner = mapDefined(tracked([1, 2, 3, 4]).stream, (n) => (n % 2 === 0 ? n : null))
    const outer = mapDefined(inner, (n) => `#${n}`)
    expect(await Array.fromAsync(outer)).toEqual(['#2', '#4'])
  })

  test("the mapping function's error reaches the consumer", async () => {
    const boom = new Error('bad chunk')
    const mapped = mapDefined(tracked([1, 2]).stream, (n) => {
      if (n === 2) throw boom
      return n
    })
    expect(await mapped.next()).toEqual({ done: false, value: 1 })
    await expect(mapped.next()).rejects.toBe(boom)
  })

  test("the source's error reaches the consumer after the chunks before it", async () => {
    const boom = new Error('upstream failed')
    const seen: number[] = []
    await expect(
      (async () => {
        for await (const n of mapDefined(tracked([1, 2], boom).stream, (n) => n)) seen.push(n)
      })(),
    ).rejects.toBe(boom)
    expect(seen).toEqual([1, 2])
  })
})

describe('mapDefined: back-pressure', () => {
  test('reads one source chunk per chunk asked for, none ahead', async () => {
    const source = tracked([1, 2, 3])
    const mapped = mapDefined(source.stream, (n) => n)
    expect(source.pulled).toBe(0)
    await mapped.next()
    expect(source.pulled).toBe(1)
    await mapped.next()
    expect(source.pulled).toBe(2)
  })

  test('the mapping function runs only for chunks read', async () => {
    const mappedChunks: number[] = []
    const mapped = mapDefined(tracked([1, 2, 3]).stream, (n) => {
      mappedChunks.push(n)
      return n
    })
    await mapped.next()
    expect(mappedChunks).toEqual([1])
  })
})

describe('mapDefined: ending early', () => {
  test('return() ends the source', async () => {
    const source = tracked([1, 2, 3])
    const mapped = mapDefined(source.stream, (n) => n)
    await mapped.next()
    await mapped.return?.()
    expect(source.finished).toBe(true)
    expect(await mapped.next()).toEqual({ done: true, value: undefined })
  })

  test('breaking out of for await ends the source', async () => {
    const source = tracked([1, 2, 3])
    for await (const n of mapDefined(source.stream, (n) => n)) if (n === 1) break
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
  })
})

describe('mapDefined: framing', () => {
  test("keeps the source's framing", () => {
    expect(framingOf(mapDefined(tracked([1]).stream, (n) => n))).toBe('pieces')
    expect(framingOf(mapDefined(markMessages(tracked([1]).stream), (n) => n))).toBe('messages')
  })

  test('framing says what the new chunks are', () => {
    expect(framingOf(mapDefined(markMessages(tracked([1]).stream), (n) => `${n}`, 'pieces'))).toBe('pieces')
    expect(framingOf(mapDefined(tracked([1]).stream, (n) => ({ n }), 'messages'))).toBe('messages')
  })

  test('mapDefined over an unstarted mapDefined keeps its framing, or its override', () => {
    const messages = mapDefined(markMessages(tracked([1]).stream), (n) => n)
    expect(framingOf(mapDefined(messages, (n) => n))).toBe('messages')
    const pieces = mapDefined(messages, (n) => `${n}`, 'pieces')
    expect(framingOf(pieces)).toBe('pieces')
    expect(framingOf(mapDefined(pieces, (text) => text))).toBe('pieces')
  })

  test('the override does not change the chunks', async () => {
    const mapped = mapDefined(markMessages(tracked([1, 2]).stream), (n) => `${n}`, 'pieces')
    expect(await Array.fromAsync(mapped)).toEqual(['1', '2'])
  })
})
