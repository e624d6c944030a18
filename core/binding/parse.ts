// Parses the body of one binding (the text between `${` and `}`) into a Binding.
//
//   binding    := expr ['as' spec] ['|' default] annotation*       spec: type-spec.ts
//   expr       := or
//   or         := and ('||' and)*
//   and        := not ('&&' not)*
//   not        := '!' not | compare
//   compare    := primary (('=='|'!='|'<='|'>='|'<'|'>') primary)?
//   primary    := '(' expr ')' | string | number | true | false | null | ref
//   ref        := key ['[]'] ( '.' name | '[' step ']' )*
//   key        := name [':' name]                  (`gateway:8090`, to name it in an error)
//   step       := index | [index] ':' [index] | '*' | string | ref      (index: -?digits)
//   annotation := '@(' name text ')'                text: parentheses balanced

import type { Binding, BinaryOp, Expr, PathStep, Ref } from './ast.ts'
import { BindingSyntaxError, Cursor, excerpt, NAME } from './cursor.ts'
import { literalNesting, MAX_LITERAL_NESTING, parseLiteral } from './literal.ts'
import { scanTemplate } from './scan.ts'
import { TypeSpecParser } from './type-spec.ts'

// Bounds on one binding: the parser and the evaluator recurse, so nesting
// without a bound is a stack overflow (and a long `a || a || ...` a deep tree).
/** Parentheses, `!` and references as indexes (`a[b[c]]`) inside each other; `[*]` in one path. */
const MAX_EXPRESSION_NESTING = 32
/** Values and references in one expression. */
const MAX_EXPRESSION_TERMS = 200
/** Bindings as defaults of defaults (`${a | ${b | ${c}}}` is 2), or in attributes. */
const MAX_DEFAULT_NESTING = 16

const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y
const INDEX = /-?\d+/y
const SLICE = /(-?\d+)?\s*:\s*(-?\d+)?/y

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
      const spec = new TypeSpecParser(this.src, this.i, (body, offset) => this.nestedBinding(body, offset, 'bindings in attributes'))
      Object.assign(binding, spec.parse())
      this.i = spec.end
    }
    this.space()
    if (this.peek('|') && !this.peek('||')) {
      this.i++
      binding.fallback = this.fallback()
    }
    this.space()
    while (this.peek('@(')) {
      const [name, value] = splitOnce(this.annotation().trim(), ' ')
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
      return { kind: 'binding', binding: this.nestedBinding(only.body, start + 2) }
    }
    if (literalNesting(text) > MAX_LITERAL_NESTING) throw new BindingSyntaxError(`default nested too deeply (over ${MAX_LITERAL_NESTING} levels of brackets)`, start)
    return { kind: 'literal', value: parseLiteral(text) }
  }

  /** A binding inside this one (a default, an attribute's value) whose body starts at `offset`. */
  private nestedBinding(body: string, offset: number, what = 'defaults'): Binding {
    if (this.defaultNesting >= MAX_DEFAULT_NESTING) {
      throw new BindingSyntaxError(`${what} nested too deeply (over ${MAX_DEFAULT_NESTING} levels)`, offset - 2)
    }
    try {
      return new Parser(body, this.defaultNesting + 1).binding()
    } catch (error) {
      if (error instanceof BindingSyntaxError) throw new BindingSyntaxError(error.message, offset + error.offset)
      throw error
    }
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
    return this.ref(this.rootKey(name))
  }

  /** `gateway:8090` reads as one key, so that an error names it whole. */
  private rootKey(name: string): string {
    if (!this.peek(':') || !NAME.test(this.src[this.i + 1] ?? '')) return name
    this.i++
    return `${name}:${this.name()}`
  }

  /** Parses something inside parentheses, after `!` or inside `[...]`, one level deeper. */
  private nested(parse: () => Expr, what = 'parentheses and "!"'): Expr {
    if (++this.nesting > MAX_EXPRESSION_NESTING) this.fail(`nested too deeply (over ${MAX_EXPRESSION_NESTING} levels of ${what})`)
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
    let wildcards = 0
    for (;;) {
      if (this.peek('.')) {
        this.i++
        const name = this.name()
        if (!name) this.fail('expected a name after "."')
        ref.path.push(name)
      } else if (this.peek('[')) {
        this.i++
        this.space()
        const step = this.step()
        if (typeof step === 'object' && step.kind === 'each' && ++wildcards > MAX_EXPRESSION_NESTING) {
          this.fail(`too many "[*]" in one path (over ${MAX_EXPRESSION_NESTING})`)
        }
        ref.path.push(step)
        this.space()
        if (!this.peek(']')) this.fail('missing "]"')
        this.i++
      } else if (this.peek('/') || (this.peek('@') && !this.peek('@('))) {
        // model-compose 0.4.92 skips any character between names (`user/name` is `user.name`); mc does not guess.
        this.fail(`unexpected "${excerpt(this.src.slice(this.i))}": names in a path are joined by ".", not "${this.src[this.i]}"`)
      } else return ref
    }
  }

  /** What stands inside `[...]`. */
  private step(): PathStep {
    const c = this.src[this.i]
    if (c === '"' || c === "'") return this.quoted()
    if (c === '*') {
      this.i++
      return { kind: 'each' }
    }
    SLICE.lastIndex = this.i
    const slice = SLICE.exec(this.src)
    if (slice) {
      this.i += slice[0].length
      return { kind: 'slice', ...(slice[1] ? { start: Number(slice[1]) } : {}), ...(slice[2] ? { end: Number(slice[2]) } : {}) }
    }
    INDEX.lastIndex = this.i
    const index = INDEX.exec(this.src)
    if (index) {
      this.i += index[0].length
      return Number(index[0])
    }
    const name = this.name()
    if (!name) this.fail('expected an index, a slice, "*", a quoted key or a reference inside "[...]"')
    if (++this.terms > MAX_EXPRESSION_TERMS) this.fail(`expression too long (over ${MAX_EXPRESSION_TERMS} terms)`)
    return this.nested(() => this.ref(name), 'references inside "[...]"') as Ref
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