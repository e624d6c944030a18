// The sentence cutting itself, fed piece by piece, against what model-compose
// 0.4.92's own NativeStreamingSentenceSplitter (drivers/native.py, run with its
// Python source) gives for the same pieces.
import { describe, expect, test } from 'bun:test'
import { SentenceBuffer } from '../../../plugins/sentence-splitter/sentence-buffer.ts'

const split = (pieces: string[], min: number, max: number | undefined, hardLimit = 65536) => {
  const buffer = new SentenceBuffer(min, max, hardLimit)
  return [...pieces.flatMap((piece) => buffer.feed(piece)), ...buffer.flush()]
}

// [pieces, min_chunk_length, max_chunk_length, what model-compose gives]
const TABLE: [string[], number, number | undefined, string[]][] = [
  [['Hello there. How are you? Fine!'], 0, undefined, ['Hello there.', 'How are you?', 'Fine!']],
  [['Hel', 'lo.', '..', ' Wait', '!! Ok'], 0, undefined, ['Hello...', 'Wait!!', 'Ok']],
  [['첫 문장입니다。두 번째！ 세 번째… 끝'], 0, undefined, ['첫 문장입니다。', '두 번째！', '세 번째…', '끝']],
  [['Hi. Yo. This is longer. Ok.'], 10, undefined, ['Hi. Yo. This is longer.', 'Ok.']],
  [['aaaa bbbb cccc dddd eeee'], 0, 10, ['aaaa bbbb', 'cccc', 'dddd', 'eeee']],
  [['abcdefghijklmnopqrstuvwxyz'], 0, 10, ['abcdefghij', 'klmnopqrst', 'uvwxyz']],
  [['... . Real one.\n\nNext line\nlast'], 0, undefined, ['Real one.', 'Next line', 'last']],
  [['Emoji 🎉🎉 fun. 😀'], 0, undefined, ['Emoji 🎉🎉 fun.', '😀']],
]

describe("model-compose's sentence cuts", () => {
  test.each(TABLE.map(([pieces, min, max, out]) => [JSON.stringify(pieces), min, max, out] as const))('%s min=%p max=%p', (pieces, min, max, out) => {
    expect(split(JSON.parse(pieces), min, max)).toEqual(out)
  })

  test('the same sentences whether the text comes whole or one character at a time', () => {
    const text = 'One. Two?! Three… 넷。 A longer fifth sentence with more words in it. Tail'
    expect(split(Array.from(text), 0, undefined)).toEqual(split([text], 0, undefined))
  })
})

describe('when a sentence leaves', () => {
  test('a sentence leaves with the first piece after its terminator, not at the end of the text', () => {
    const buffer = new SentenceBuffer(0, undefined, 65536)
    expect(buffer.feed('Hello there.')).toEqual([])
    expect(buffer.feed(' How')).toEqual(['Hello there.'])
    expect(buffer.feed(' are you')).toEqual([])
    expect(buffer.flush()).toEqual(['How are you'])
  })

  test('a sentence that never ends is cut at the hard limit, at its last space', () => {
    const buffer = new SentenceBuffer(0, undefined, 20)
    const out: string[] = []
    for (let i = 0; i < 100; i++) out.push(...buffer.feed('word '))
    expect(out.length).toBeGreaterThan(20)
    for (const sentence of out) expect(sentence.length).toBeLessThanOrEqual(20)
    expect([...out, ...buffer.flush()].join(' ')).toBe(Array(100).fill('word').join(' '))
  })

  test('max_chunk_length above the hard limit is held to it', () => {
    expect(split(['x'.repeat(50)], 0, 1000, 20)).toEqual(['x'.repeat(20), 'x'.repeat(20), 'x'.repeat(10)])
  })
})
