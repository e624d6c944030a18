// Chain: per-chunk stages (map, settled) fused into one iterator over a source.
import { describe, expect, test } from 'bun:test'
import { Chain } from '../../core/stream/chain.ts'
import { framingOf, markMessages } from '../../core/stream/framing.ts'
import { tracked } from './tracked-source.ts'

/** A settled stage that records every call's arguments. */
function settledLog() {
  const calls: unknown[][] = []
  return { calls, stage: { settled: (...args: unknown[]) => void calls.push(args) } }
}

const double = { map: (chunk: unknown) => (chunk as number) * 2 }

describe('Chain: map stages', () => {
  test('maps every chunk, in order', async () => {
    const source = tracked([1, 2, 3])
    expect(await Array.fromAsync(Chain.over<number>(source.stream, double))).toEqual([2, 4, 6])
    expect(source.finished).toBe(true)
  })

  test('drops chunks mapped to null or undefined, keeps other falsy ones', async () => {
    const source = tracked([1, 2, 3, 4, 5, 6])
    const values = [null, 0, undefined, '', false, 'x']
    const chain = Chain.over(source.stream, { map: (chunk) => values[(chunk as number) - 1] })
    expect(await Array.fromAsync(chain)).toEqual([0, '', false, 'x'])
  })

  test('a stream whose every chunk is dropped ends empty', async () => {
    const source = tracked(Array.from({ length: 1000 }, (_, i) => i))
    expect(await Array.fromAsync(Chain.over(source.stream, { map: () => null }))).toEqual([])
    expect(source.pulled).toBe(1000)
  })

  test('is its own async iterator', () => {
    const chain = Chain.over(tracked([1]).stream, double)
    expect(chain[Symbol.asyncIterator]()).toBe(chain)
  })

  test('stages added over an unstarted Chain run after its own, in order', async () => {
    const source = tracked([1, 2, 3])
    const first = Chain.over<number>(source.stream, { map: (chunk) => `${chunk}` })
    const second = Chain.over<string>(first, { map: (chunk) => (chunk === '2' ? null : `${chunk}!`) })
    const third = Chain.over<string>(second, { map: (chunk) => `<${chunk}>` })
    expect(await Array.fromAsync(third)).toEqual(['<1!>', '<3!>'])
  })

  test('a stage added over a Chain already read from goes on from where it is', async () => {
    const source = tracked([1, 2, 3])
    const first = Chain.over<number>(source.stream, double)
    expect(await first.next()).toEqual({ done: false, value: 2 })
    const second = Chain.over<number>(first, { map: (chunk) => (chunk as number) + 1 })
    expect(await Array.fromAsync(second)).toEqual([5, 7])
  })
})

describe('Chain: back-pressure', () => {
  test('reads one source chunk per chunk asked for', async () => {
    const source = tracked([1, 2, 3, 4])
    const chain = Chain.over<number>(source.stream, double)
    expect(source.pulled).toBe(0)
    expect(await chain.next()).toEqual({ done: false, value: 2 })
    expect(source.pulled).toBe(1)
    expect(await chain.next()).toEqual({ done: false, value: 4 })
    expect(source.pulled).toBe(2)
  })

  test('reads past dropped chunks only up to the next kept one', async () => {
    const source = tracked([1, 2, 3, 4, 5])
    const chain = Chain.over<number>(source.stream, { map: (chunk) => ((chunk as number) % 3 === 0 ? chunk : null) })
    expect(await chain.next()).toEqual({ done: false, value: 3 })
    expect(source.pulled).toBe(3)
  })

  test('fused stages over an unstarted Chain still read one chunk at a time', async () => {
    const source = tracked([1, 2, 3])
    const chain = Chain.over<number>(Chain.over(Chain.over(source.stream, double), double), settledLog().stage)
    expect(await chain.next()).toEqual({ done: false, value: 4 })
    expect(source.pulled).toBe(1)
  })
})

describe('Chain: ending early', () => {
  test('return() ends the source (its finally runs)', async () => {
    const source = tracked([1, 2, 3])
    const chain = Chain.over<number>(source.stream, double)
    await chain.next()
    expect(await chain.return()).toEqual({ done: true, value: undefined })
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
    expect(await chain.next()).toEqual({ done: true, value: undefined })
  })

  test('breaking out of for await ends the source', async () => {
    const source = tracked([1, 2, 3])
    for await (const chunk of Chain.over<number>(source.stream, double)) if (chunk === 2) break
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
  })

  test('return() on an unstarted Chain settles it and stops a later stage being fused into it', async () => {
    const source = tracked([1, 2])
    const log = settledLog()
    const chain = Chain.over<number>(source.stream, log.stage)
    await chain.return()
    expect(log.calls).toEqual([[undefined]])
    const later = Chain.over<number>(chain, double)
    expect(await later.next()).toEqual({ done: true, value: undefined })
    expect(source.pulled).toBe(0)
  })
})

describe('Chain: settled stages', () => {
  test('called once with no error when the source finishes', async () => {
    const log = settledLog()
    const chain = Chain.over<number>(tracked([1, 2]).stream, log.stage)
    expect(await chain.next()).toEqual({ done: false, value: 1 })
    expect(log.calls).toEqual([])
    expect(await Array.fromAsync(chain)).toEqual([2])
    expect(log.calls).toHaveLength(1)
    expect(log.calls[0]?.[0]).toBeUndefined()
    await chain.next()
    await chain.return()
    expect(log.calls).toHaveLength(1)
  })

  test('called once with the error when the source fails; the error reaches the consumer', async () => {
    const log = settledLog()
    const boom = new Error('boom')
    const chain = Chain.over<number>(tracked([1], boom).stream, log.stage)
    expect(await chain.next()).toEqual({ done: false, value: 1 })
    await expect(chain.next()).rejects.toBe(boom)
    expect(log.calls).toEqual([[boom]])
  })

  test('called once with the error when a map stage throws', async () => {
    const log = settledLog()
    const boom = new Error('bad chunk')
    const chain = Chain.over<number>(Chain.over(tracked([1, 2]).stream, log.stage), {
      map: (chunk) => {
        if (chunk === 2) throw boom
        return chunk
      },
    })
    const seen: unknown[] = []
    await expect(
      (async () => {
        for await (const chunk of chain) seen.push(chunk)
      })(),
    ).rejects.toBe(boom)
    expect(seen).toEqual([1])
    expect(log.calls).toEqual([[boom]])
  })

  test('called once with no error on early return', async () => {
    const log = settledLog()
    const chain = Chain.over<number>(tracked([1, 2, 3]).stream, log.stage)
    await chain.next()
    await chain.return()
    await chain.return()
    expect(log.calls).toEqual([[undefined]])
  })

  test('every settled stage of a fused Chain is called, in order', async () => {
    const order: string[] = []
    const inner = Chain.over(tracked([1]).stream, { settled: () => void order.push('inner') })
    const outer = Chain.over(Chain.over(inner, double), { settled: () => void order.push('outer') })
    await Array.fromAsync(outer)
    expect(order).toEqual(['inner', 'outer'])
  })

  test('settled stages pass chunks unchanged, null included', async () => {
    const chain = Chain.over(tracked([null, 0, 'a']).stream, settledLog().stage)
    expect(await Array.fromAsync(chain)).toEqual([null, 0, 'a'])
  })
})

describe('Chain: framing', () => {
  test("has its source's framing", () => {
    expect(framingOf(Chain.over(tracked([1]).stream, double))).toBe('pieces')
    expect(framingOf(Chain.over(markMessages(tracked([1]).stream), double))).toBe('messages')
  })

  test('a stage may say what its chunks are', () => {
    expect(framingOf(Chain.over(markMessages(tracked([1]).stream), double, 'pieces'))).toBe('pieces')
    expect(framingOf(Chain.over(tracked([1]).stream, double, 'messages'))).toBe('messages')
  })

  test('stages composed over an unstarted Chain keep its framing', () => {
    const messages = Chain.over(markMessages(tracked([1]).stream), double)
    expect(framingOf(Chain.over(messages, double))).toBe('messages')
    expect(framingOf(Chain.over(Chain.over(messages, double), settledLog().stage))).toBe('messages')
    const pieces = Chain.over(messages, double, 'pieces')
    expect(framingOf(Chain.over(pieces, settledLog().stage))).toBe('pieces')
  })

  test('a stage composed over a started Chain keeps its framing', async () => {
    const messages = Chain.over(markMessages(tracked([1, 2]).stream), double)
    await messages.next()
    expect(framingOf(Chain.over(messages, double))).toBe('messages')
  })

  test("the Chain's framing does not change the source's", () => {
    const source = markMessages(tracked([1]).stream)
    Chain.over(source, double, 'pieces')
    expect(framingOf(source)).toBe('messages')
  })
})

describe('Chain: a failing stage', () => {
  // The source stays open otherwise: `for await` does not call return() after next() rejects.
  test('a map stage that throws ends the source', async () => {
    const source = tracked([1, 2, 3])
    const chain = Chain.over(source.stream, {
      map: () => {
        throw new Error('bad chunk')
      },
    })
    await chain.next().catch(() => {})
    expect(source.finished).toBe(true)
  })
})
