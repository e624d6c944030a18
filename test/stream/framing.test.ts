// A stream's framing: 'pieces' by default, 'messages' once marked, passed on by keepFraming.
import { describe, expect, test } from 'bun:test'
import { framingOf, isMessageStream, keepFraming, markMessages } from '../../core/stream/framing.ts'

async function* generate(...chunks: string[]) {
  yield* chunks
}

describe('framingOf / markMessages', () => {
  test('a stream is framed as pieces unless marked', () => {
    expect(framingOf(generate('a'))).toBe('pieces')
    expect(framingOf(new ReadableStream())).toBe('pieces')
  })

  test('markMessages frames the same stream as messages and returns it', () => {
    const stream = generate('a')
    const marked = markMessages(stream)
    expect(marked).toBe(stream)
    expect(framingOf(stream)).toBe('messages')
  })

  test('marking does not change the chunks', async () => {
    expect(await Array.fromAsync(markMessages(generate('a', 'b')))).toEqual(['a', 'b'])
  })

  test('marking one stream leaves the others as they are', () => {
    markMessages(generate('a'))
    expect(framingOf(generate('b'))).toBe('pieces')
  })
})

describe('isMessageStream', () => {
  test('true only for a stream marked as messages', () => {
    expect(isMessageStream(markMessages(generate()))).toBe(true)
    expect(isMessageStream(generate())).toBe(false)
  })

  test('false for values that are not objects', () => {
    for (const value of [null, undefined, 'messages', 1, true]) expect(isMessageStream(value)).toBe(false)
  })
})

describe('keepFraming', () => {
  test('a stream derived from a message stream is a message stream', () => {
    const derived = generate('x')
    expect(keepFraming(markMessages(generate()), derived)).toBe(derived)
    expect(framingOf(derived)).toBe('messages')
  })

  test('a stream derived from pieces stays pieces', () => {
    const derived = generate('x')
    expect(keepFraming(generate(), derived)).toBe(derived)
    expect(framingOf(derived)).toBe('pieces')
  })
})
