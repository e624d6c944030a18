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
import { BindingSyntaxError, Cursor, excerpt } from './cursor.ts'
import { literalNesting, MAX_LITERAL_NESTING, parseLiteral } from './literal.ts'
import { parseTypeSpec } from './names.ts'
import { scanTemplate } from './scan.ts'

// Bounds on one binding: the parser and the evaluator recurse, so nesting
// without a bound is a stack overflow (and a long `a || a || ...` a deep tree).
/** Parentheses and `!` inside each other. */
export const MAX_EXPRESSION_NESTING = 32
/** Values and references in one expression. */
export const MAX_EXPRESSION_TERMS = 200
/** Bindings as defaults of defaults: `${a | ${b | ${c}}}` is 2. */
export const MAX_DEFAULT_NESTING = 16

const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y
const DIGITS = /\d+/y

export function parseBinding(body: string): Binding {
  return new Parser(body, 0).binding()
}

class Parser extends Cursor {
  /** How deep in parentheses and `!` the parser is, and the terms read so far. */
  private nesting = 0
  private terms = 0
  constructor(
    src: string,
    private readonly defaultNesting: number,
  ) {
    super(src)
  }

  binding(): Binding {
    const expr = this.or()
    const binding: Binding = { expr, annotations: {} }
    this.space()
    if (this.word('as')) {
      this.space()
      const start = this.i
      const spec = this.until(['|', '@('], true).trim()
      if (!spec) this.fail('expected a type after "as"')
      Object.assign(binding, parseTypeSpec(spec, (message, offset) => {
        throw new BindingSyntaxError(message, start + offset)
      }))
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
    if (this.i < this.src.length) this.fail(`unexpected "${excerpt(this.src.slice(this.i))}"`)
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
      if (this.defaultNesting >= MAX_DEFAULT_NESTING) {
        throw new BindingSyntaxError(`defaults nested too deeply (over ${MAX_DEFAULT_NESTING} levels)`, start)
      }
      try {
        return { kind: 'binding', binding: new Parser(only.body, this.defaultNesting + 1).binding() }
      } catch (error) {
        if (error instanceof BindingSyntaxError) {
          throw new BindingSyntaxError(error.message, start + 2 + error.offset)
        }
        throw error
      }
    }
    if (literalNesting(text) > MAX_LITERAL_NESTING) throw new BindingSyntaxError(`default nested too deeply (over ${MAX_LITERAL_NESTING} levels of brackets)`, start)
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
      return { kind: 'not', operand: this.nested(() => this.not()) }
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
      const inner = this.nested(() => this.or())
      this.space()
      if (!this.peek(')')) this.fail('missing ")"')
      this.i++
      return inner
    }
    if (++this.terms > MAX_EXPRESSION_TERMS) this.fail(`expression too long (over ${MAX_EXPRESSION_TERMS} terms)`)
    if (c === '"' || c === "'") return { kind: 'literal', value: this.quoted() }
    NUMBER.lastIndex = this.i
    const number = NUMBER.exec(this.src)
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

  /** Parses something inside parentheses or after `!`, one level deeper. */
  private nested(parse: () => Expr): Expr {
    if (++this.nesting > MAX_EXPRESSION_NESTING) this.fail(`nested too deeply (over ${MAX_EXPRESSION_NESTING} levels of parentheses and "!")`)
    const expr = parse()
    this.nesting--
    return expr
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
    DIGITS.lastIndex = this.i
    const digits = DIGITS.exec(this.src)
    if (!digits) this.fail('expected an index or a quoted key inside "[...]"')
    this.i += digits[0].length
    return Number(digits[0])
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
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep)
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + sep.length)]
}