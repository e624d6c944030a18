// collectBytes: a byte stream read whole, within a cap.
import { describe, expect, test } from 'bun:test'
import { collectBytes } from '../../core/stream/collect-bytes.ts'
import { tracked } from './tracked-source.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

const tooMuch = () => new Error('too much')

describe('collectBytes', () => {
  test('the chunks are joined into one Buffer, in order', async () => {
    const collected = await collectBytes(tracked([bytes('ab'), bytes('cd'), bytes('é')]).stream, 100, tooMuch)
    expect(Buffer.isBuffer(collected)).toBe(true)
    expect(collected.toString('utf8')).toBe('abcdé')
  })

  test('an empty stream gives an empty Buffer', async () => {
    expect((await collectBytes(tracked([]).stream, 0, tooMuch)).byteLength).toBe(0)
  })

  test('exactly the cap is allowed', async () => {
    const collected = await collectBytes(tracked([bytes('abc'), bytes('de')]).stream, 5, tooMuch)
    expect(collected.toString()).toBe('abcde')
  })

  test("past the cap, tooMuch()'s error is thrown", async () => {
    const error = new Error('body too large')
    await expect(collectBytes(tracked([bytes('abc'), bytes('def')]).stream, 5, () => error)).rejects.toBe(error)
  })

  test('past the cap, the read stops and the source is ended', async () => {
    const source = tracked([bytes('abc'), bytes('def'), bytes('ghi'), bytes('jkl')])
    await expect(collectBytes(source.stream, 5, tooMuch)).rejects.toThrow('too much')
    expect(source.pulled).toBe(2)
    expect(source.finished).toBe(true)
  })

  test('past the cap, a ReadableStream source is cancelled', async () => {
    let cancelled = false
    let pulls = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++
        controller.enqueue(new Uint8Array(4))
      },
      cancel() {
        cancelled = true
      },
    }, { highWaterMark: 0 })
    await expect(collectBytes(body, 10, tooMuch)).rejects.toThrow('too much')
    expect(cancelled).toBe(true)
    expect(pulls).toBeLessThan(10)
  })

  test("the source's error is thrown", async () => {
    const boom = new Error('connection reset')
    async function* failing() {
      yield bytes('a')
      throw boom
    }
    await expect(collectBytes(failing(), 100, tooMuch)).rejects.toBe(boom)
  })
})
