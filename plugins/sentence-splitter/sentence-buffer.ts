// model-compose 0.4.92's native sentence splitter (NativeStreamingSentenceSplitter
// in src/mindor/core/component/services/sentence_splitter/drivers/native.py):
// text is fed piece by piece, and a sentence leaves as soon as its terminator
// run (. ! ? 。 ！ ？ … or a line end) is followed by anything; a run at the very
// end of what came so far is held back, since "..." may still be arriving.
// Sentences shorter than `minLength` are joined (with a space) to the next;
// text with no terminator is cut at `maxLength` characters, at the last
// whitespace before it when there is one.
//
// mc's one difference: without `max_chunk_length` model-compose holds a
// sentence that never ends without limit; mc cuts it at `hardLimit`
// characters, so a hostile stream cannot grow the buffer unbounded. Lengths
// count code points, as Python's len() does.

import { codePoints, pythonStrip } from '../../core/plugin/api.ts'

const TERMINATORS = new Set(['.', '!', '?', '。', '！', '？', '…', '\n'])
const WHITESPACE = new Set([' ', '\t', '\n'])

export class SentenceBuffer {
  private pending = ''
  /** Pieces after `pending` holding no terminator, joined to it only when needed: indexing a long concatenated string copies it. */
  private tail: string[] = []
  private tailLength = 0
  /** Where the terminator search resumes: text before it holds none (or a held-back run starts there). */
  private scanFrom = 0
  private merged = ''
  private readonly cutAt: number

  constructor(
    private readonly minLength: number,
    maxLength: number | undefined,
    hardLimit: number,
  ) {
    this.cutAt = Math.min(maxLength ?? hardLimit, hardLimit)
  }

  /** The chunks the text completes. */
  feed(text: string): string[] {
    if (!text) return []
    const scannedAll = this.scanFrom === this.pending.length + this.tailLength
    if (scannedAll && !hasTerminator(text) && this.pending.length + this.tailLength + text.length < this.cutAt) {
      this.tail.push(text)
      this.tailLength += text.length
      this.scanFrom += text.length
      return []
    }
    this.pending += this.tail.join('') + text
    this.tail = []
    this.tailLength = 0
    return this.drainPending(false)
  }

  /** What is left, once the input has ended. */
  flush(): string[] {
    this.pending += this.tail.join('')
    this.tail = []
    this.tailLength = 0
    const out = this.drainPending(true)
    const tail = pythonStrip(this.merged)
    this.merged = ''
    if (tail) out.push(tail)
    return out
  }

  private drainPending(final: boolean): string[] {
    const out: string[] = []
    for (let next = this.nextSentence(final); next; next = this.nextSentence(final)) {
      this.pending = this.pending.slice(next.end)
      this.scanFrom = 0
      this.append(next.sentence, out)
    }
    if (final && this.pending) {
      const remainder = pythonStrip(this.pending)
      this.pending = ''
      this.scanFrom = 0
      if (remainder) this.append(remainder, out)
    }
    return out
  }

  /** The next sentence of the pending text and where the text after it starts; undefined when none is ready. */
  private nextSentence(final: boolean): { sentence: string; end: number } | undefined {
    const text = this.pending
    for (let index = this.scanFrom; index < text.length; index++) {
      if (!TERMINATORS.has(text[index]!)) continue
      let end = index + 1
      while (end < text.length && TERMINATORS.has(text[end]!)) end++
      if (!final && end === text.length) {
        this.scanFrom = index
        return this.overflow()
      }
      const sentence = pythonStrip(text.slice(0, end))
      // A run of terminators alone ("...") or blank text carries no sentence.
      return { sentence: Array.from(sentence).some((char) => !TERMINATORS.has(char)) ? sentence : '', end }
    }
    this.scanFrom = text.length
    return this.overflow()
  }

  /** A cut of pending text that reached the length limit without a terminator. */
  private overflow(): { sentence: string; end: number } | undefined {
    if (this.pending.length < this.cutAt || codePoints(this.pending) < this.cutAt) return undefined
    const chars = Array.from(this.pending).slice(0, this.cutAt)
    let cut = this.cutAt
    for (let index = chars.length - 1; index > 0; index--) {
      if (WHITESPACE.has(chars[index]!)) {
        cut = index
        break
      }
    }
    const head = chars.slice(0, cut).join('')
    return { sentence: pythonStrip(head), end: head.length }
  }

  private append(sentence: string, out: string[]): void {
    if (sentence) this.merged = this.merged ? `${this.merged} ${sentence}` : sentence
    if (this.merged && codePoints(this.merged) >= this.minLength) {
      out.push(this.merged)
      this.merged = ''
    }
  }
}

function hasTerminator(text: string): boolean {
  for (const char of text) if (TERMINATORS.has(char)) return true
  return false
}
