// Reads what follows `as` in a binding:
//
//   spec  := type ['[]'] ['/' subtype ['[' attrs ']']] [';' format]
//   attrs := name '=' value (',' name '=' value)*      values may hold `${...}`
//
// `as stream`, `as stream/text` and `as stream/json` (model-compose 0.4.92) are
// rewritten here into what mc's own forms mean: `stream/text` is `text;sse-text`;
// `stream/json` is `;sse-json` with the chunks left as they are (each is sent as
// one JSON document, a text chunk as a JSON string, as model-compose does).

import type { AttrValue, Binding } from './ast.ts'
import { Cursor, excerpt } from './cursor.ts'
import { DECODING_TYPES } from './formats.ts'
import { BINDING_FORMATS, BINDING_TYPE_ALIASES, BINDING_TYPES, isBindingType } from './names.ts'
import { findBindingEnd, scanTemplate } from './scan.ts'

export type TypeSpec = Pick<Binding, 'type' | 'subtype' | 'attrs' | 'format'>

/** Parses one binding nested in an attribute's value, its errors placed at `offset` in the spec's text. */
export type NestedParser = (body: string, offset: number) => Binding

/** Characters that end a type or subtype name. */
const TYPE_END = /[\s/;[\]|}]/
const SUBTYPE_END = /[;[|]/
const FORMAT = /[A-Za-z0-9_-]/

/** model-compose reads the file a `;path` value names: any client could then read any file of the server. */
const PATH_REFUSED =
  '";path" would read the file the value names, which mc does not do for a binding (a client could name any file the server can read); pass the content, or use ";base64" or ";data-uri"'

export class TypeSpecParser extends Cursor {
  constructor(
    src: string,
    start: number,
    private readonly nested: NestedParser,
  ) {
    super(src)
    this.i = start
  }

  /** Where the spec ended: the caller goes on from there. */
  get end(): number {
    return this.i
  }

  parse(): TypeSpec {
    const typeStart = this.i
    while (this.i < this.src.length && !TYPE_END.test(this.src[this.i]!) && !this.peek('@(')) this.i++
    const written = this.src.slice(typeStart, this.i)
    let type = BINDING_TYPE_ALIASES[written] ?? written
    if (!type) this.fail('expected a type after "as"')
    if (this.peek('[]')) {
      this.i += 2
      type += '[]'
    }
    if (!isBindingType(type)) this.failAt(`unknown type "${excerpt(type)}" (types: ${BINDING_TYPES.join(', ')})`, typeStart)
    const spec: TypeSpec = { type }
    if (this.peek('/')) {
      this.i++
      spec.subtype = this.subtype()
      if (this.peek('[')) spec.attrs = this.attrs()
    }
    if (this.peek(';')) {
      const formatStart = ++this.i
      this.space()
      const start = this.i
      while (this.i < this.src.length && FORMAT.test(this.src[this.i]!)) this.i++
      const format = this.src.slice(start, this.i)
      if (!BINDING_FORMATS.includes(format)) this.failAt(`unknown format "${excerpt(format)}" (formats: ${BINDING_FORMATS.join(', ')})`, formatStart)
      spec.format = format
      if (format === 'path' && DECODING_TYPES.has(type.replace(/\[\]$/, ''))) this.failAt(PATH_REFUSED, formatStart)
    }
    return type === 'stream' || type === 'stream[]' ? this.stream(spec, typeStart) : spec
  }

  private subtype(): string {
    const start = this.i
    while (this.i < this.src.length && !SUBTYPE_END.test(this.src[this.i]!) && !this.peek('@(')) this.i++
    // Trailing spaces belong to what follows (`as select/a,b | a`).
    while (this.i > start && /\s/.test(this.src[this.i - 1]!)) this.i--
    return this.src.slice(start, this.i)
  }

  /** `[k=v,...]`: `]` and `,` inside a nested `${...}` do not end a value. */
  private attrs(): Record<string, AttrValue> {
    const open = this.i++
    const attrs: Record<string, AttrValue> = {}
    let pairStart = this.i
    for (;;) {
      const c = this.src[this.i]
      if (c === undefined) this.failAt('unclosed "[": missing "]"', open)
      if (this.peek('${')) this.skipBinding()
      else if (c === ',' || c === ']') {
        this.pair(pairStart, this.i, attrs)
        this.i++
        if (c === ']') return attrs
        pairStart = this.i
      } else this.i++
    }
  }

  /** Braces inside a binding's body are balanced (scan.ts found its end), so a nested one always ends. */
  private skipBinding(): void {
    this.i = findBindingEnd(this.src, this.i + 2) + 1
  }

  private pair(start: number, end: number, attrs: Record<string, AttrValue>): void {
    const text = this.src.slice(start, end)
    if (text.trim() === '') return
    const equals = text.indexOf('=')
    const name = text.slice(0, Math.max(equals, 0)).trim()
    if (equals < 0 || !name) this.failAt(`expected name=value in "[...]", got "${excerpt(text.trim())}"`, start)
    const valueStart = start + equals + 1
    const raw = this.src.slice(valueStart, end)
    const lead = raw.length - raw.trimStart().length
    attrs[name] = this.attrValue(raw.trim(), valueStart + lead)
  }

  private attrValue(text: string, offset: number): AttrValue {
    if (!text.includes('${')) return [text]
    return scanTemplate(text).map((segment) => (segment.kind === 'text' ? segment.text : this.nested(segment.body, offset + segment.offset)))
  }

  /** `stream`, `stream/text`, `stream/json`: the SSE forms mc already has. */
  private stream(spec: TypeSpec, start: number): TypeSpec {
    if (spec.type !== 'stream' || spec.attrs || spec.format) this.failAt('"as stream" takes only /text or /json', start)
    if (spec.subtype === undefined || spec.subtype === 'text') return { type: 'text', format: 'sse-text' }
    if (spec.subtype === 'json') return { format: 'sse-json' }
    return this.failAt(`unknown stream type "${excerpt(spec.subtype)}" (stream/text, stream/json)`, start)
  }

  private failAt(message: string, offset: number): never {
    this.i = offset
    this.fail(message)
  }
}
