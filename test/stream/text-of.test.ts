// textOf: a byte stream read as UTF-8 text.
import { describe, expect, test } from 'bun:test'
import { textOf } from '../../core/stream/text-of.ts'
import { tracked } from './tracked-source.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('textOf', () => {
  test('each chunk is decoded as it comes', async () => {
    expect(await Array.fromAsync(textOf(tracked([bytes('Hel'), bytes('lo ✓')]).stream))).toEqual(['Hel', 'lo ✓'])
  })

  test('a two-byte character split between chunks comes out whole', async () => {
    const e = bytes('é') // C3 A9
    const pieces = await Array.fromAsync(textOf(tracked([Uint8Array.of(0x61, e[0]!), Uint8Array.of(e[1]!, 0x62)]).stream))
    expect(pieces).toEqual(['a', 'éb'])
  })

  test('a four-byte character split over four chunks comes out whole, with no empty pieces', async () => {
    const emoji = bytes('😀')
    const chunks = [bytes('x'), ...Array.from(emoji, (byte) => Uint8Array.of(byte)), bytes('y')]
    expect(await Array.fromAsync(textOf(tracked(chunks).stream))).toEqual(['x', '😀', 'y'])
  })

  test('text split at every byte reads back the same', async () => {
    const text = 'añ€😀 mixed ✓ text'
    const chunks = Array.from(bytes(text), (byte) => Uint8Array.of(byte))
    expect((await Array.fromAsync(textOf(tracked(chunks).stream))).join('')).toBe(text)
  })

  test('empty chunks and an empty stream give nothing', async () => {
    expect(await Array.fromAsync(textOf(tracked([]).stream))).toEqual([])
    expect(await Array.fromAsync(textOf(tracked([new Uint8Array(0), bytes('a'), new Uint8Array(0)]).stream))).toEqual(['a'])
  })

  test('a character cut off by the end of the stream comes out as U+FFFD', async () => {
    const cut = bytes('€').subarray(0, 2)
    expect((await Array.fromAsync(textOf(tracked([bytes('a'), cut]).stream))).join('')).toBe('a\uFFFD')
  })

  test('reads the source one chunk at a time', async () => {
    const source = tracked([bytes('a'), bytes('b'), bytes('c')])
    const text = textOf(source.stream)
    expect(await text.next()).toEqual({ done: false, value: 'a' })
    expect(source.pulled).toBe(1)
  })

  test('stopping early ends the source', async () => {
    const source = tracked([bytes('a'), bytes('b'), bytes('c')])
    for await (const piece of textOf(source.stream)) if (piece === 'a') break
    expect(source.finished).toBe(true)
    expect(source.pulled).toBe(1)
  })

  test("the source's error is thrown", async () => {
    const boom = new Error('reset')
    async function* failing() {
      yield bytes('a')
      throw boom
    }
    await expect(Array.fromAsync(textOf(failing()))).rejects.toBe(boom)
  })
})
