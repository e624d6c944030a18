// isOver: whether text takes more than a number of UTF-8 bytes.
import { describe, expect, test } from 'bun:test'
import { isOver } from '../../core/stream/chunk-limit.ts'

describe('isOver', () => {
  test('ASCII text: over only past the limit', () => {
    expect(isOver('', 0)).toBe(false)
    expect(isOver('abc', 3)).toBe(false)
    expect(isOver('abcd', 3)).toBe(true)
    expect(isOver('a', 0)).toBe(true)
  })

  test('counts UTF-8 bytes, not UTF-16 units', () => {
    // 'é' 2 bytes, '€' 3, '😀' 4 (two units).
    expect(isOver('éé', 4)).toBe(false)
    expect(isOver('éé', 3)).toBe(true)
    expect(isOver('€', 3)).toBe(false)
    expect(isOver('€', 2)).toBe(true)
    expect(isOver('😀', 4)).toBe(false)
    expect(isOver('😀', 3)).toBe(true)
    expect(isOver('a€😀', 8)).toBe(false)
    expect(isOver('a€😀', 7)).toBe(true)
  })

  test('agrees with the byte length of every text, at and around it', () => {
    for (const text of ['x', 'é', '€€€', '😀😀', 'mixed é € 😀 text', 'x'.repeat(1000), '€'.repeat(1000)]) {
      const size = Buffer.byteLength(text)
      expect([isOver(text, size), isOver(text, size - 1), isOver(text, size + 1)]).toEqual([false, true, false])
    }
  })
})
