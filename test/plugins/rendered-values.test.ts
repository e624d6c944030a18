// The plugins' reading of a rendered action value as a flag or a whole number
// (core/plugin/rendered-values.ts): text as a template gives it, or JSON; a
// wrong one is a 422 naming its key.
import { describe, expect, test } from 'bun:test'
import { flagOf, HttpError, wholeNumberOf } from '../../core/plugin/api.ts'

function refusal(read: () => unknown): { status: number; message: string } {
  try {
    read()
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, message: error.message }
    throw error
  }
  throw new Error('not refused')
}

describe('flagOf', () => {
  test('true and false, or text saying so', () => {
    for (const on of [true, 'true', ' TRUE ', '1', 1, 'yes', 'on']) expect(flagOf(on, 'k')).toBe(true)
    for (const off of [false, 'false', 'False', '0', 0, 'no', 'off', '', ' ', 'none', 'null']) expect(flagOf(off, 'k', true)).toBe(false)
  })

  test('unset is the fallback, false unless given', () => {
    expect(flagOf(undefined, 'k')).toBe(false)
    expect(flagOf(null, 'k')).toBe(false)
    expect(flagOf(undefined, 'k', true)).toBe(true)
    expect(flagOf(null, 'k', true)).toBe(true)
  })

  test('anything else is a 422 naming the key', () => {
    expect(refusal(() => flagOf('maybe', 'streaming'))).toEqual({ status: 422, message: 'streaming: expected true or false, got "maybe"' })
    expect(refusal(() => flagOf(2, 'spread')).message).toBe('spread: expected true or false, got 2')
    expect(refusal(() => flagOf('x'.repeat(100), 'k')).message).toBe(`k: expected true or false, got "${'x'.repeat(59)}…`)
  })
})

describe('wholeNumberOf', () => {
  test('a whole number, or text of one', () => {
    expect(wholeNumberOf(3, 'k', 1)).toBe(3)
    expect(wholeNumberOf(' 12 ', 'k', 1)).toBe(12)
    expect(wholeNumberOf('0', 'k', 0)).toBe(0)
    expect(wholeNumberOf(-4, 'k')).toBe(-4)
  })

  test('below the minimum, not whole, or not a number: a 422 naming the key', () => {
    expect(refusal(() => wholeNumberOf(0, 'batch_size', 1))).toEqual({ status: 422, message: 'batch_size: expected a whole number, 1 or more, got 0' })
    expect(refusal(() => wholeNumberOf('1.5', 'chunk_size', 1)).message).toBe('chunk_size: expected a whole number, 1 or more, got "1.5"')
    expect(refusal(() => wholeNumberOf('ten', 'x')).message).toBe('x: expected a whole number, got "ten"')
    for (const bad of ['', '  ', true, null, undefined, [3], Number.NaN]) expect(refusal(() => wholeNumberOf(bad, 'k')).status).toBe(422)
  })
})
