// isStream: what counts as a stream (an async iterable that is not an array or bytes).
import { describe, expect, test } from 'bun:test'
import { isStream } from '../../core/stream/stream.ts'

describe('isStream', () => {
  test('an async generator is a stream', () => {
    async function* generate() {
      yield 1
    }
    expect(isStream(generate())).toBe(true)
  })

  test('a ReadableStream is a stream', () => {
    expect(isStream(new ReadableStream())).toBe(true)
  })

  test('any object with an async iterator function is a stream', () => {
    const iterable = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) }
    expect(isStream(iterable)).toBe(true)
  })

  test('plain values are not streams', () => {
    for (const value of [null, undefined, 0, 'text', true, {}, () => {}, new Uint8Array([1, 2]), [1, 2], new Map(), Promise.resolve(1)]) {
      expect(isStream(value)).toBe(false)
    }
  })

  test('a sync iterable is not a stream', () => {
    function* generate() {
      yield 1
    }
    expect(isStream(generate())).toBe(false)
    expect(isStream(new Set([1]))).toBe(false)
  })

  test('an async iterator key that is not a function does not make a stream', () => {
    expect(isStream({ [Symbol.asyncIterator]: 'nope' })).toBe(false)
  })

  test('arrays and byte arrays are never streams, even with an async iterator', () => {
    const array = Object.assign([1], { [Symbol.asyncIterator]: async function* () {} })
    const bytes = Object.assign(new Uint8Array([1]), { [Symbol.asyncIterator]: async function* () {} })
    expect(isStream(array)).toBe(false)
    expect(isStream(bytes)).toBe(false)
  })
})
