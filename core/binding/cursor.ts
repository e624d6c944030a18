// A reading position in the text of one binding, with the small steps the
// binding parser is made of. Errors carry the offset where they were found.

import { opensQuote } from './scan.ts'

export class BindingSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message)
  }
}

/**
 * A character of a name: model-compose's `[-_\w]` with Python's Unicode `\w`
 * (letters and digits of any script, `_`), so `${input.이름}` reads as there.
 */
export const NAME = /[\p{L}\p{N}_-]/u
const NAME_RUN = /[\p{L}\p{N}_-]*/uy

/** The start of a long text, for a one-line message. */
export function excerpt(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length)}…` : text
}

export class Cursor {
  protected i = 0
  constructor(protected readonly src: string) {}

  protected quoted(): string {
    const quote = this.src[this.i]
    let out = ''
    for (this.i++; this.i < this.src.length; this.i++) {
      const c = this.src[this.i]!
      if (c === '\\' && this.i + 1 < this.src.length) out += this.src[++this.i]
      else if (c === quote) {
        this.i++
        return out
      } else out += c
    }
    this.fail('unclosed string')
  }

  protected name(): string {
    NAME_RUN.lastIndex = this.i
    const name = NAME_RUN.exec(this.src)![0]
    this.i += name.length
    return name
  }

  /** Consumes a keyword standing as a whole word. */
  protected word(word: string): boolean {
    if (!this.peek(word)) return false
    const after = this.src[this.i + word.length]
    if (after !== undefined && NAME.test(after)) return false
    this.i += word.length
    return true
  }

  /** Text up to the first stop marker outside quotes (a single `|` when `bar`). */
  protected until(stops: string[], bar: boolean): string {
    const start = this.i
    let quote: string | null = null
    let depth = 0
    for (; this.i < this.src.length; this.i++) {
      const c = this.src[this.i]
      if (quote) {
        if (c === '\\') this.i++
        else if (c === quote) quote = null
        continue
      }
      if (opensQuote(this.src, this.i)) quote = c!
      else if (c === '{') depth++
      else if (c === '}') depth--
      else if (depth === 0 && stops.some((s) => this.peek(s))) {
        if (bar && this.peek('|') && stops.includes('|') && this.peek('||')) {
          this.i++
          continue
        }
        break
      }
    }
    return this.src.slice(start, this.i)
  }

  /** `@(name text)`: the text up to the `)` that closes the `@(`, quotes skipped. */
  protected annotation(): string {
    const open = this.i
    this.i += 2
    let depth = 1
    let quote: string | null = null
    const start = this.i
    for (; this.i < this.src.length; this.i++) {
      const c = this.src[this.i]
      if (quote) {
        if (c === '\\') this.i++
        else if (c === quote) quote = null
      } else if (opensQuote(this.src, this.i)) quote = c!
      else if (c === '(') depth++
      else if (c === ')' && --depth === 0) return this.src.slice(start, this.i++)
    }
    this.i = open
    return this.fail('unclosed "@(": missing ")"')
  }

  protected peek(s: string): boolean {
    return this.src.startsWith(s, this.i)
  }

  protected space(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++
  }

  protected fail(message: string): never {
    throw new BindingSyntaxError(message, this.i)
  }
}
