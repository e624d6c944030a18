// linesOf: a byte stream read as lines.
import { describe, expect, test } from 'bun:test'
import type { ChunkLimit } from '../../core/stream/chunk-limit.ts'
import { linesOf } from '../../core/stream/lines-of.ts'
import { tracked } from './tracked-source.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

/** The shared tracked source, strings sent as their UTF-8 bytes. */
const trackedBytes = (chunks: readonly (Uint8Array | string)[]) => tracked(chunks.map((chunk) => (typeof chunk === 'string' ? bytes(chunk) : chunk)))

const lines = (chunks: readonly (Uint8Array | string)[], limit?: ChunkLimit) => Array.fromAsync(linesOf(trackedBytes(chunks).stream, limit))

class LineTooLong extends Error {}
const limit = (bytes: number): ChunkLimit => ({ bytes, exceeded: () => new LineTooLong(`line over ${bytes} bytes`) })

describe('linesOf', () => {
  test('lines end at \\n, without it', async () => {
    expect(await lines(['one\ntwo\nthree\n'])).toEqual(['one', 'two', 'three'])
  })

  test('lines end at \\r\\n, without it', async () => {
    expect(await lines(['one\r\ntwo\r\n'])).toEqual(['one', 'two'])
  })

  test('\\r\\n split between chunks still ends one line', async () => {
    expect(await lines(['one\r', '\ntwo\r', '\n'])).toEqual(['one', 'two'])
  })

  test('a last line without a newline counts', async () => {
    expect(await lines(['one\ntwo'])).toEqual(['one', 'two'])
    expect(await lines(['one\r\ntwo'])).toEqual(['one', 'two'])
    expect(await lines(['only'])).toEqual(['only'])
  })

  test('a trailing newline does not make an extra empty line; empty lines inside are kept', async () => {
    expect(await lines(['a\n\nb\n'])).toEqual(['a', '', 'b'])
    expect(await lines(['\n'])).toEqual([''])
  })

  test('an empty stream has no lines', async () => {
    expect(await lines([])).toEqual([])
  })

  test('a line split over many chunks comes out whole', async () => {
    expect(await lines(['{"a"', ':', '1}\n{"b":', '2}\n'])).toEqual(['{"a":1}', '{"b":2}'])
  })

  test('text split at every byte, multi-byte characters included, reads back the same', async () => {
    const text = 'añ€\r\n😀 two\nthree ✓'
    const chunks = Array.from(bytes(text), (byte) => Uint8Array.of(byte))
    expect(await lines(chunks)).toEqual(['añ€', '😀 two', 'three ✓'])
  })

  test('reads the source one chunk at a time', async () => {
    const source = trackedBytes(['a\nb\n', 'c\n', 'd\n'])
    const reader = linesOf(source.stream)
    expect(await reader.next()).toEqual({ done: false, value: 'a' })
    expect(await reader.next()).toEqual({ done: false, value: 'b' })
    expect(source.pulled).toBe(1)
  })

  test('stopping early ends the source', async () => {
    const source = trackedBytes(['a\n', 'b\n', 'c\n'])
    for await (const line of linesOf(source.stream)) if (line === 'a') break
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
  })
})

describe('linesOf: limit', () => {
  test('lines within the limit pass, up to exactly it', async () => {
    expect(await lines(['abc\nab\nabc'], limit(3))).toEqual(['abc', 'ab', 'abc'])
  })

  test('a line over the limit throws its error, after the lines before it', async () => {
    const seen: string[] = []
    await expect(
      (async () => {
        for await (const line of linesOf(trackedBytes(['ok\ntoo long\nok\n']).stream, limit(5))) seen.push(line)
      })(),
    ).rejects.toBeInstanceOf(LineTooLong)
    expect(seen).toEqual(['ok'])
  })

  test('a last line without a newline over the limit throws', async () => {
    await expect(lines(['ok\ntoo long'], limit(5))).rejects.toBeInstanceOf(LineTooLong)
  })

  test('the limit counts UTF-8 bytes: two 2-byte characters are over 3 bytes', async () => {
    await expect(lines(['éé\n'], limit(3))).rejects.toBeInstanceOf(LineTooLong)
    expect(await lines(['éé\n'], limit(4))).toEqual(['éé'])
  })

  test('a line that grows past the limit throws before its end is read, and the source is ended', async () => {
    const source = trackedBytes(['x'.repeat(20), 'x'.repeat(20), 'x\n'])
    await expect(Array.fromAsync(linesOf(source.stream, limit(10)))).rejects.toBeInstanceOf(LineTooLong)
    expect(source.pulled).toBe(1)
    expect(source.finished).toBe(true)
  })

  // The limit counts a line as it comes out: without its '\r'.
  test('a \\r\\n line of exactly the limit passes, as a \\n line does', async () => {
    expect(await lines(['abc\n'], limit(3))).toEqual(['abc'])
    expect(await lines(['abc\r\n'], limit(3))).toEqual(['abc'])
  })
})
