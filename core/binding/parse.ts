// Parses the body of one binding (the text between `${` and `}`) into a Binding.
//
//   binding    := expr ['as' type ['/' subtype] [';' format]] ['|' default] annotation*
//   expr       := or
//   or         := and ('||' and)*
//   and        := not ('&&' not)*
//   not        := '!' not | compare
//   compare    := primary (('=='|'!='|'<='|'>='|'<'|'>') primary)?
//   primary    := '(' expr ')' | string | number | true | false | null | ref
//   ref        := key ['[]'] ( '.' name | '[' (number|string) ']' )*
//   annotation := '@(' name text ')'

import type { Binding, BinaryOp, Expr, PathStep, Ref } from './ast.ts'
import { scanTemplate } from './scan.ts'

export class BindingSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message)
  }
}

const NAME = /[A-Za-z0-9_\-]/

export function parseBinding(body: string): Binding {
  return new Parser(body).binding()
}

class Parser {
  private i = 0
  constructor(private readonly src: string) {}

  binding(): Binding {
    const expr = this.or()
    const binding: Binding = { expr, annotations: {} }
    this.space()
    if (this.word('as')) {
      const spec = this.until(['|', '@('], true).trim()
      if (!spec) this.fail('expected a type after "as"')
      const [typePart, format] = splitOnce(spec, ';')
      const [type, subtype] = splitOnce(typePart, '/')
      binding.type = type.trim()
      if (subtype !== undefined) binding.subtype = subtype.trim()
      if (format !== undefined) binding.format = format.trim()
    }
    this.space()
    if (this.peek('|') && !this.peek('||')) {
      this.i++
      binding.fallback = this.fallback()
    }
    this.space()
    while (this.peek('@(')) {
      this.i += 2
      const text = this.until([')'], false)
      if (!this.peek(')')) this.fail('unclosed "@(": missing ")"')
      this.i++
      const [name, value] = splitOnce(text.trim(), ' ')
      binding.annotations[name] = (value ?? '').trim()
      this.space()
    }
    if (this.i < this.src.length) this.fail(`unexpected "${this.src.slice(this.i)}"`)
    return binding
  }

  private fallback(): Binding['fallback'] {
    this.space()
    const start = this.i
    const text = this.until(['@('], true).trim()
    if (!text) this.fail('expected a default value after "|"')
    if (text.startsWith('${')) {
      const segments = scanTemplate(text)
      const only = segments[0]
      if (segments.length !== 1 || only?.kind !== 'binding') {
        throw new BindingSyntaxError('a default binding must stand alone', start)
      }
      try {
        return { kind: 'binding', binding: parseBinding(only.body) }
      } catch (error) {
        if (error instanceof BindingSyntaxError) {
          throw new BindingSyntaxError(error.message, start + 2 + error.offset)
        }
        throw error
      }
    }
    return { kind: 'literal', value: parseLiteral(text) }
  }

  private or(): Expr {
    let left = this.and()
    while (this.op('||')) left = { kind: 'binary', op: '||', left, right: this.and() }
    return left
  }

  private and(): Expr {
    let left = this.not()
    while (this.op('&&')) left = { kind: 'binary', op: '&&', left, right: this.not() }
    return left
  }

  private not(): Expr {
    this.space()
    if (this.peek('!') && !this.peek('!=')) {
      this.i++
      return { kind: 'not', operand: this.not() }
    }
    return this.compare()
  }

  private compare(): Expr {
    const left = this.primary()
    for (const op of ['==', '!=', '<=', '>=', '<', '>'] as BinaryOp[]) {
      if (this.op(op)) return { kind: 'binary', op, left, right: this.primary() }
    }
    return left
  }

  private primary(): Expr {
    this.space()
    const c = this.src[this.i]
    if (c === undefined) this.fail('expected a value')
    if (c === '(') {
      this.i++
      const inner = this.or()
      this.space()
      if (!this.peek(')')) this.fail('missing ")"')
      this.i++
      return inner
    }
    if (c === '"' || c === "'") return { kind: 'literal', value: this.quoted() }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.src.slice(this.i))
    if (number) {
      this.i += number[0].length
      return { kind: 'literal', value: Number(number[0]) }
    }
    const name = this.name()
    if (!name) this.fail(`unexpected "${c}"`)
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true' }
    if (name === 'null') return { kind: 'literal', value: null }
    return this.ref(name)
  }

  private ref(key: string): Ref {
    const ref: Ref = { kind: 'ref', key, chunk: false, path: [] }
    if (this.peek('[]')) {
      this.i += 2
      ref.chunk = true
    }
    for (;;) {
      if (this.peek('.')) {
        this.i++
        const name = this.name()
        if (!name) this.fail('expected a name after "."')
        ref.path.push(name)
      } else if (this.peek('[')) {
        this.i++
        this.space()
        ref.path.push(this.index())
        this.space()
        if (!this.peek(']')) this.fail('missing "]"')
        this.i++
      } else return ref
    }
  }

  private index(): PathStep {
    const c = this.src[this.i]
    if (c === '"' || c === "'") return this.quoted()
    const digits = /^\d+/.exec(this.src.slice(this.i))
    if (!digits) this.fail('expected an index or a quoted key inside "[...]"')
    this.i += digits[0].length
    return Number(digits[0])
  }

  private quoted(): string {
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

  private name(): string {
    const start = this.i
    while (this.i < this.src.length && NAME.test(this.src[this.i]!)) this.i++
    return this.src.slice(start, this.i)
  }

  /** Consumes an operator (after optional spaces) when it is next. */
  private op(op: string): boolean {
    this.space()
    if (!this.peek(op)) return false
    // `<` must not eat the start of `<=`; `|` alone is the default separator.
    if ((op === '<' || op === '>') && this.src[this.i + 1] === '=') return false
    this.i += op.length
    return true
  }

  /** Consumes a keyword standing as a whole word. */
  private word(word: string): boolean {
    if (!this.peek(word)) return false
    const after = this.src[this.i + word.length]
    if (after !== undefined && NAME.test(after)) return false
    this.i += word.length
    return true
  }

  /** Text up to the first stop marker outside quotes (a single `|` when `bar`). */
  private until(stops: string[], bar: boolean): string {
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
      if (c === '"' || c === "'") quote = c
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

  private peek(s: string): boolean {
    return this.src.startsWith(s, this.i)
  }

  private space(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++
  }

  private fail(message: string): never {
    throw new BindingSyntaxError(message, this.i)
  }
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep)
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + sep.length)]
}

/** A default's literal: quoted string, number, boolean, null, JSON, or bare words. */
export function parseLiteral(text: string): unknown {
  const t = text.trim()
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) {
    return t.slice(1, -1).replace(/\\(.)/g, '$1')
  }
  if (t === 'true' || t === 'false') return t === 'true'
  if (t === 'null' || t === 'none' || t === 'None') return null
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t)
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t)
    } catch {
      return t
    }
  }
  return t
}
