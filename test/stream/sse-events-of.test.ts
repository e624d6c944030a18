// sseEventsOf: a byte stream read as Server-Sent Events.
import { describe, expect, test } from 'bun:test'
import type { EventSourceMessage } from 'eventsource-parser'
import type { ChunkLimit } from '../../core/stream/chunk-limit.ts'
import { SKIP, sseEventsOf, type SseReadOptions } from '../../core/stream/sse-events-of.ts'
import { tracked } from './tracked-source.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

/** The shared tracked source, strings sent as their UTF-8 bytes. */
const trackedBytes = (chunks: readonly (Uint8Array | string)[], error?: Error) =>
  tracked(chunks.map((chunk) => (typeof chunk === 'string' ? bytes(chunk) : chunk)), error)

const dataOf = (event: EventSourceMessage) => event.data
const events = (chunks: readonly (Uint8Array | string)[], options?: SseReadOptions) => Array.fromAsync(sseEventsOf(trackedBytes(chunks).stream, dataOf, options))
/** Every byte of `text` as its own chunk. */
const byteByByte = (text: string) => Array.from(bytes(text), (byte) => Uint8Array.of(byte))

class TooBig extends Error {}
const limit = (bytes: number): ChunkLimit => ({ bytes, exceeded: () => new TooBig(`event over ${bytes} bytes`) })

describe('sseEventsOf', () => {
  test("each event's data, in order", async () => {
    expect(await events(['data: one\n\ndata: two\n\n'])).toEqual(['one', 'two'])
  })

  test('select is given the event type and id', async () => {
    const seen = await Array.fromAsync(sseEventsOf(trackedBytes(['id: 7\nevent: delta\ndata: {"a":1}\n\n']).stream, (event) => event))
    expect(seen).toEqual([{ id: '7', event: 'delta', data: '{"a":1}' }])
  })

  test('the data lines of one event are joined with \\n', async () => {
    expect(await events(['data: line one\ndata: line two\ndata:\ndata: four\n\n'])).toEqual(['line one\nline two\n\nfour'])
  })

  test('comments are not events', async () => {
    expect(await events([': keep-alive\n\ndata: a\n: inside\ndata: b\n\n: bye\n\n'])).toEqual(['a\nb'])
  })

  test('\\r\\n line endings', async () => {
    expect(await events(['data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n'])).toEqual(['a\nb', 'c'])
  })

  test('events split across chunks anywhere, a multi-byte character too, read the same', async () => {
    const body = ': hi\n\nevent: x\ndata: añ€\ndata: 😀\n\ndata: two\r\n\r\ndata: three\n\n'
    expect(await events(byteByByte(body))).toEqual(['añ€\n😀', 'two', 'three'])
    expect(await events(['data: o', 'ne\n', '\ndata: t', 'wo\n\n'])).toEqual(['one', 'two'])
  })

  test('SKIP drops an event', async () => {
    const select = (event: EventSourceMessage) => (event.data === '[DONE]' || event.data.trim() === '' ? SKIP : JSON.parse(event.data))
    const body = 'data: {"a":1}\n\ndata: \n\ndata: {"a":2}\n\ndata: [DONE]\n\n'
    expect(await Array.fromAsync(sseEventsOf(trackedBytes([body]).stream, select))).toEqual([{ a: 1 }, { a: 2 }])
  })

  test('a stream whose every event is skipped ends empty', async () => {
    expect(await Array.fromAsync(sseEventsOf(trackedBytes(['data: a\n\n'.repeat(1000)]).stream, () => SKIP))).toEqual([])
  })

  test('a last event without its blank line is dispatched', async () => {
    expect(await events(['data: one\n\ndata: two'])).toEqual(['one', 'two'])
    expect(await events(['data: one\n\ndata: two\n'])).toEqual(['one', 'two'])
    expect(await events(['data: a\ndata: b'])).toEqual(['a\nb'])
    expect(await events(['data: two\r\n'])).toEqual(['two'])
  })

  test('an empty body has no events', async () => {
    expect(await events([])).toEqual([])
  })

  test("the body's error is thrown, after the events before it; the stream is then done", async () => {
    const boom = new Error('connection reset')
    const reader = sseEventsOf(trackedBytes(['data: a\n\n'], boom).stream, dataOf)
    expect(await reader.next()).toEqual({ done: false, value: 'a' })
    await expect(reader.next()).rejects.toBe(boom)
    expect(await reader.next()).toEqual({ done: true, value: undefined })
  })

  test("select's error ends the stream and lets go of the body", async () => {
    const source = trackedBytes(['data: ok\n\ndata: bad\n\n', 'data: never\n\n'])
    const boom = new Error('bad event')
    const reader = sseEventsOf(source.stream, (event) => {
      if (event.data === 'bad') throw boom
      return event.data
    })
    expect(await reader.next()).toEqual({ done: false, value: 'ok' })
    await expect(reader.next()).rejects.toBe(boom)
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
    expect(await reader.next()).toEqual({ done: true, value: undefined })
  })
})

describe('sseEventsOf: back-pressure and ending early', () => {
  test('reads the body only when the events already read are taken', async () => {
    const source = trackedBytes(['data: a\n\ndata: b\n\n', 'data: c\n\n'])
    const reader = sseEventsOf(source.stream, dataOf)
    expect(source.pulled).toBe(0)
    expect(await reader.next()).toEqual({ done: false, value: 'a' })
    expect(await reader.next()).toEqual({ done: false, value: 'b' })
    expect(source.pulled).toBe(1)
    expect(await reader.next()).toEqual({ done: false, value: 'c' })
    expect(source.pulled).toBe(2)
  })

  test('return() ends the body; the stream is then done', async () => {
    const source = trackedBytes(['data: a\n\n', 'data: b\n\n', 'data: c\n\n'])
    const reader = sseEventsOf(source.stream, dataOf)
    await reader.next()
    expect(await reader.return?.()).toEqual({ done: true, value: undefined })
    expect(source.finished).toBe(true)
    expect(await reader.next()).toEqual({ done: true, value: undefined })
  })

  test('breaking out of for await ends the body', async () => {
    const source = trackedBytes(['data: a\n\n', 'data: b\n\n'])
    for await (const data of sseEventsOf(source.stream, dataOf)) if (data === 'a') break
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
  })
})

describe('sseEventsOf: limit', () => {
  test('events up to exactly the limit pass', async () => {
    expect(await events(['data: 1234567890\n\ndata: 12345\ndata: 1234\n\n'], { limit: limit(10) })).toEqual(['1234567890', '12345\n1234'])
    expect(await events(byteByByte('data: 1234567890\n\n'), { limit: limit(10) })).toEqual(['1234567890'])
  })

  test("an event whose data is over the limit throws its error, after the events before it", async () => {
    const reader = sseEventsOf(trackedBytes(['data: ok\n\ndata: 12345678901\n\n']).stream, dataOf, { limit: limit(10) })
    expect(await reader.next()).toEqual({ done: false, value: 'ok' })
    await expect(reader.next()).rejects.toBeInstanceOf(TooBig)
  })

  test('data lines are counted together, joined', async () => {
    await expect(events(['data: 123456\ndata: 1234\n\n'], { limit: limit(10) })).rejects.toBeInstanceOf(TooBig)
  })

  test('the limit counts UTF-8 bytes', async () => {
    await expect(events(['data: ééééé\n\n'], { limit: limit(9) })).rejects.toBeInstanceOf(TooBig)
    expect(await events(['data: ééééé\n\n'], { limit: limit(10) })).toEqual(['ééééé'])
  })

  test('a last event without its blank line is held to the limit too', async () => {
    await expect(events(['data: ok\n\ndata: 12345678901'], { limit: limit(10) })).rejects.toBeInstanceOf(TooBig)
  })

  test('an unfinished event growing past the limit throws before the body is read further, and the body is ended', async () => {
    const source = trackedBytes(['data: ' + 'x'.repeat(100), 'x'.repeat(100), '\n\n'])
    await expect(Array.fromAsync(sseEventsOf(source.stream, dataOf, { limit: limit(10) }))).rejects.toBeInstanceOf(TooBig)
    expect(source.pulled).toBe(1)
    expect(source.finished).toBe(true)
  })

  test('events completed in the read that overflows come out before the error', async () => {
    const reader = sseEventsOf(trackedBytes(['data: ok\n\ndata: ' + 'x'.repeat(100)]).stream, dataOf, { limit: limit(10) })
    expect(await reader.next()).toEqual({ done: false, value: 'ok' })
    await expect(reader.next()).rejects.toBeInstanceOf(TooBig)
  })
})

describe('sseEventsOf: noEvent', () => {
  const noEvent = (bytes: number, head: string) => new Error(`no event in ${bytes} bytes: ${head}`)

  test('a body without events throws noEvent with its size and start', async () => {
    const calls: [number, string][] = []
    const body = '<html>Bad Gateway</html>\n'
    const read = events([body.slice(0, 10), body.slice(10)], {
      noEvent: (bytes, head) => {
        calls.push([bytes, head])
        return new Error('no events')
      },
    })
    await expect(read).rejects.toThrow('no events')
    expect(calls).toEqual([[bytes(body).byteLength, body]])
  })

  test('a body of comments only has no events', async () => {
    await expect(events([': keep-alive\n\n'], { noEvent })).rejects.toThrow('no event in 14 bytes')
  })

  test('an empty body is not an error', async () => {
    expect(await events([], { noEvent })).toEqual([])
  })

  test('a body whose events were all skipped is not an error', async () => {
    expect(await Array.fromAsync(sseEventsOf(trackedBytes(['data: a\n\n']).stream, () => SKIP, { noEvent }))).toEqual([])
  })

  test('without noEvent, a body without events just ends', async () => {
    expect(await events(['not an event stream'])).toEqual([])
  })
})

describe('sseEventsOf: the limit and a cut \\r\\n', () => {
  // A body cut between '\r' and '\n' leaves the '\r' in the parser's line: one unit more than the data.
  test('an event of exactly the limit passes whatever the cut of its \\r\\n', async () => {
    expect(await events(['data: 1234567890\r', '\n\r\n'], { limit: limit(10) })).toEqual(['1234567890'])
  })
})
