// collectedOutput: a stream's chunks gathered into one value, within a byte bound.
import { describe, expect, test } from 'bun:test'
import { collectedOutput } from '../../core/stream/collected-output.ts'
import { markMessages } from '../../core/stream/framing.ts'

async function* generate(): AsyncGenerator<unknown> {}

/** The value collected from `chunks` added to a collector for a pieces (or messages) stream. */
function collect(chunks: unknown[], options: { messages?: boolean; maxBytes?: number } = {}) {
  const collected = collectedOutput(options.messages ? markMessages(generate()) : generate(), options.maxBytes)
  for (const chunk of chunks) collected.add(chunk)
  return collected
}

describe('collectedOutput: gathering', () => {
  test('text pieces are concatenated', () => {
    const collected = collect(['Hel', 'lo', ', ', 'world'])
    expect(collected.value()).toBe('Hello, world')
    expect(collected.truncated).toBe(false)
  })

  test('nothing added gives empty text, or an empty list for messages', () => {
    expect(collect([]).value()).toBe('')
    expect(collect([], { messages: true }).value()).toEqual([])
  })

  test('the chunks of a message stream are listed, strings too', () => {
    expect(collect(['{"a":1}', '{"b":2}'], { messages: true }).value()).toEqual(['{"a":1}', '{"b":2}'])
  })

  test('chunks that are not text are listed', () => {
    const bytes = new Uint8Array([1, 2])
    expect(collect([{ a: 1 }, [2], 3, bytes]).value()).toEqual([{ a: 1 }, [2], 3, bytes])
  })

  test('text gathered before a chunk that is not text is listed as one item, later text listed on its own', () => {
    expect(collect(['a', 'b', { c: 1 }, 'd', 'e']).value()).toEqual(['ab', { c: 1 }, 'd', 'e'])
  })

  test('the value can be read while gathering', () => {
    const collected = collectedOutput(generate())
    collected.add('a')
    expect(collected.value()).toBe('a')
    collected.add('b')
    expect(collected.value()).toBe('ab')
  })
})

describe('collectedOutput: byte bound', () => {
  test('text that fits exactly is whole and not truncated', () => {
    const collected = collect(['abc', 'de'], { maxBytes: 5 })
    expect(collected.value()).toBe('abcde')
    expect(collected.truncated).toBe(false)
  })

  test('text past the bound is cut at it, and truncated says so', () => {
    const collected = collect(['abc', 'def', 'ghi'], { maxBytes: 5 })
    expect(collected.value()).toBe('abcde')
    expect(collected.truncated).toBe(true)
  })

  test('nothing is gathered after the bound is passed, even a chunk that would fit', () => {
    const collected = collect(['abc', 'defgh', 'i'], { maxBytes: 4 })
    expect(collected.value()).toBe('abcd')
    expect(collected.truncated).toBe(true)
  })

  test('the bound counts UTF-8 bytes, not characters', () => {
    // 'é' takes 2 bytes, 'ア' 3, '😀' 4 (two UTF-16 units).
    expect(collect(['éé'], { maxBytes: 4 }).truncated).toBe(false)
    expect(collect(['éé'], { maxBytes: 3 }).truncated).toBe(true)
    expect(collect(['😀'], { maxBytes: 3 }).truncated).toBe(true)
  })

  test('a multi-byte character is never cut: the text stops before it', () => {
    const cases: [text: string, maxBytes: number, kept: string][] = [
      ['aé', 2, 'a'],
      ['aéb', 3, 'aé'],
      ['アイ', 4, 'ア'],
      ['アイ', 5, 'ア'],
      ['アイウ', 6, 'アイ'],
      ['x😀', 2, 'x'],
      ['x😀', 3, 'x'],
      ['x😀', 4, 'x'],
      ['x😀y', 5, 'x😀'],
      ['😀', 1, ''],
    ]
    for (const [text, maxBytes, kept] of cases) {
      const collected = collect([text], { maxBytes })
      expect({ text, maxBytes, kept: collected.value() }).toEqual({ text, maxBytes, kept })
      expect(collected.truncated).toBe(true)
      expect(Buffer.byteLength(collected.value() as string)).toBeLessThanOrEqual(maxBytes)
    }
  })

  test('a character cut in a later chunk leaves the earlier chunks whole', () => {
    const collected = collect(['ab', 'c😀'], { maxBytes: 5 })
    expect(collected.value()).toBe('abc')
    expect(collected.truncated).toBe(true)
  })

  test('a real U+FFFD in the text is kept, a cut character is not', () => {
    expect(collect(['\uFFFD\uFFFD'], { maxBytes: 3 }).value()).toBe('\uFFFD')
    expect(collect(['a\uFFFDé'], { maxBytes: 5 }).value()).toBe('a\uFFFD')
  })

  test('listed chunks count as JSON, bytes as their length; one past the bound is left out whole', () => {
    // '{"a":1}' is 7 bytes.
    const collected = collect([{ a: 1 }, { a: 2 }, { a: 3 }], { maxBytes: 15 })
    expect(collected.value()).toEqual([{ a: 1 }, { a: 2 }])
    expect(collected.truncated).toBe(true)
    const bytes = collect([new Uint8Array(4), new Uint8Array(4)], { maxBytes: 7 })
    expect(bytes.value()).toEqual([new Uint8Array(4)])
    expect(bytes.truncated).toBe(true)
  })

  test('messages past the bound are left out whole, not cut', () => {
    const collected = collect(['abc', 'def'], { messages: true, maxBytes: 5 })
    expect(collected.value()).toEqual(['abc'])
    expect(collected.truncated).toBe(true)
  })

  test('with no bound, nothing is truncated', () => {
    const collected = collect(Array.from({ length: 1000 }, () => 'x'.repeat(1000)))
    expect((collected.value() as string).length).toBe(1_000_000)
    expect(collected.truncated).toBe(false)
  })
})

describe('collectedOutput: the cut at the bound', () => {
  // The bytes are cut on a character boundary: a real U+FFFD in the text is no cut character.
  test('a real U+FFFD cut at the bound is left out, keeping the value within it', () => {
    for (const [text, maxBytes, kept] of [
      ['x\uFFFD', 2, 'x'],
      ['\uFFFD\uFFFD', 5, '\uFFFD'],
    ] as const) {
      const collected = collect([text], { maxBytes })
      expect(collected.value()).toBe(kept)
      expect(Buffer.byteLength(collected.value() as string)).toBeLessThanOrEqual(maxBytes)
    }
  })
})
