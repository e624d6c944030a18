// onSettled: passes chunks unchanged, calls fn once when the stream ends.
import { describe, expect, test } from 'bun:test'
import { framingOf, markMessages } from '../../core/stream/framing.ts'
import { mapDefined } from '../../core/stream/map-defined.ts'
import { onSettled } from '../../core/stream/on-settled.ts'
import { tracked } from './tracked-source.ts'

/** An fn for onSettled that records every call's arguments. */
function recorder() {
  const calls: unknown[][] = []
  return { calls, fn: (...args: unknown[]) => void calls.push(args) }
}

describe('onSettled', () => {
  test('passes every chunk unchanged, in order, null included', async () => {
    const chunks = ['a', null, 0, { b: 1 }]
    expect(await Array.fromAsync(onSettled(tracked(chunks).stream, () => {}))).toEqual(chunks)
  })

  test('is not called before the stream ends', async () => {
    const settled = recorder()
    const stream = onSettled(tracked([1, 2]).stream, settled.fn)
    await stream.next()
    await stream.next()
    expect(settled.calls).toEqual([])
  })

  test('called once, with nothing, when the stream finishes', async () => {
    const settled = recorder()
    const stream = onSettled(tracked([1, 2]).stream, settled.fn)
    await Array.fromAsync(stream)
    expect(settled.calls).toHaveLength(1)
    expect(settled.calls[0]?.[0]).toBeUndefined()
    await stream.next()
    await stream.return?.()
    expect(settled.calls).toHaveLength(1)
  })

  test('called once, with the error, when the stream fails', async () => {
    const settled = recorder()
    const boom = new Error('upstream failed')
    const stream = onSettled(tracked([1], boom).stream, settled.fn)
    await expect(Array.fromAsync(stream)).rejects.toBe(boom)
    expect(settled.calls).toEqual([[boom]])
    await stream.next()
    expect(settled.calls).toHaveLength(1)
  })

  test('called once, with nothing, when the consumer stops early; the source ends', async () => {
    const settled = recorder()
    const source = tracked([1, 2, 3])
    const stream = onSettled(source.stream, settled.fn)
    for await (const n of stream) if (n === 1) break
    expect(settled.calls).toHaveLength(1)
    expect(settled.calls[0]?.[0]).toBeUndefined()
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
    await stream.return?.()
    expect(settled.calls).toHaveLength(1)
  })

  test('reads the source one chunk at a time', async () => {
    const source = tracked([1, 2, 3])
    const stream = onSettled(source.stream, () => {})
    await stream.next()
    expect(source.pulled).toBe(1)
  })

  test('over mapDefined: called with the error the mapping throws', async () => {
    const settled = recorder()
    const boom = new Error('bad chunk')
    const mapped = mapDefined(tracked([1, 2]).stream, (n) => {
      if (n === 2) throw boom
      return n
    })
    await expect(Array.fromAsync(onSettled(mapped, settled.fn))).rejects.toBe(boom)
    expect(settled.calls).toEqual([[boom]])
  })

  test('under mapDefined: called once when the mapped stream ends', async () => {
    const settled = recorder()
    const stream = mapDefined(onSettled(tracked([1, 2, 3]).stream, settled.fn), (n) => (n === 2 ? null : n * 10))
    expect(await Array.fromAsync(stream)).toEqual([10, 30])
    expect(settled.calls).toHaveLength(1)
  })

  test('two onSettled over one stream are both called, in order', async () => {
    const order: string[] = []
    const stream = onSettled(onSettled(tracked([1]).stream, () => void order.push('first')), () => void order.push('second'))
    await Array.fromAsync(stream)
    expect(order).toEqual(['first', 'second'])
  })
})

describe('onSettled: framing', () => {
  test("keeps the source's framing", () => {
    expect(framingOf(onSettled(tracked([1]).stream, () => {}))).toBe('pieces')
    expect(framingOf(onSettled(markMessages(tracked([1]).stream), () => {}))).toBe('messages')
  })

  test('keeps the framing of the mapDefined it is applied to, and mapDefined keeps its', () => {
    const messages = mapDefined(markMessages(tracked([1]).stream), (n) => n)
    expect(framingOf(onSettled(messages, () => {}))).toBe('messages')
    expect(framingOf(mapDefined(onSettled(markMessages(tracked([1]).stream), () => {}), (n) => n))).toBe('messages')
    const pieces = mapDefined(markMessages(tracked([1]).stream), (n) => `${n}`, 'pieces')
    expect(framingOf(onSettled(pieces, () => {}))).toBe('pieces')
  })
})
