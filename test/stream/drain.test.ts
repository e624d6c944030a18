// drain / settle: a stream read whole into one value.
import { describe, expect, test } from 'bun:test'
import { drain, settle } from '../../core/stream/drain.ts'
import { markMessages } from '../../core/stream/framing.ts'
import { tracked } from './tracked-source.ts'

describe('drain', () => {
  test('text pieces are read to the end and concatenated', async () => {
    const source = tracked(['Hel', 'lo'])
    expect(await drain(source.stream)).toBe('Hello')
    expect(source.finished).toBe(true)
  })

  test('the chunks of a message stream are listed', async () => {
    expect(await drain(markMessages(tracked(['a', 'b']).stream))).toEqual(['a', 'b'])
  })

  test('chunks that are not text are listed', async () => {
    expect(await drain(tracked([{ a: 1 }, 2]).stream)).toEqual([{ a: 1 }, 2])
  })

  test('an empty stream drains to empty text, or an empty list for messages', async () => {
    expect(await drain(tracked([]).stream)).toBe('')
    expect(await drain(markMessages(tracked([]).stream))).toEqual([])
  })

  test("the stream's error is thrown", async () => {
    const boom = new Error('boom')
    await expect(drain(tracked(['a'], boom).stream)).rejects.toBe(boom)
  })

  test('a ReadableStream is drained', async () => {
    expect(await drain(new Response('body text').body!.pipeThrough(new TextDecoderStream()))).toBe('body text')
  })
})

describe('settle', () => {
  test('drains a stream', async () => {
    expect(await settle(tracked(['a', 'b']).stream)).toBe('ab')
    expect(await settle(markMessages(tracked(['a', 'b']).stream))).toEqual(['a', 'b'])
  })

  test('returns other values as they are', async () => {
    const object = { a: 1 }
    const array = [1, 2]
    const bytes = new Uint8Array([1])
    for (const value of [null, undefined, 0, 'text', object, array, bytes]) expect(await settle(value)).toBe(value)
  })

  test("the stream's error is thrown", async () => {
    const boom = new Error('boom')
    await expect(settle(tracked([], boom).stream)).rejects.toBe(boom)
  })
})
