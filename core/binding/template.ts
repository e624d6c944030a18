// Compiles a template (any YAML value whose strings may hold `${...}`) once,
// into closures. Rendering a template — once per run, or once per stream
// chunk — never parses again.

import { bindingRefs, type Binding, type Ref } from './ast.ts'
import { convert, toText } from './convert.ts'
import { evaluate, type Scope } from './evaluate.ts'
import { BindingSyntaxError, excerpt } from './cursor.ts'
import { parseBinding } from './parse.ts'
import { scanTemplate, ScanError } from './scan.ts'

export interface CompiledBinding {
  readonly binding: Binding
  evaluate(scope: Scope): unknown
}

export interface Template {
  render(scope: Scope): unknown
  /** Every binding in the template, in source order. */
  readonly bindings: readonly CompiledBinding[]
  /** Every reference made, nested defaults included. */
  readonly refs: readonly Ref[]
  /** Keys read chunk by chunk (`response[]` → `response`). */
  readonly chunkKeys: ReadonlySet<string>
  /** Set when the template is exactly one binding: it yields that value itself. */
  readonly whole?: CompiledBinding
}

/** A template error carrying the offset in the string and the path in the value. */
export class TemplateError extends Error {
  constructor(message: string, readonly path: (string | number)[], readonly offset: number) {
    super(message)
  }
}

export function compileBinding(binding: Binding): CompiledBinding {
  const { expr, type, subtype, fallback } = binding
  const fallbackValue = fallback?.kind === 'binding' ? compileBinding(fallback.binding) : undefined
  return {
    binding,
    evaluate(scope) {
      let value = evaluate(expr, scope)
      if (value === null || value === undefined) {
        if (fallbackValue) value = fallbackValue.evaluate(scope)
        else if (fallback?.kind === 'literal') value = fallback.value
      }
      return convert(value, type, subtype)
    },
  }
}

export interface CompileOptions {
  /** The binding keys the template may read; a binding reading another is an error. */
  roots?: readonly string[]
}

export function compileTemplate(source: unknown, options: CompileOptions = {}): Template {
  const compiler = new Compiler(options.roots)
  const render = compiler.value(source)
  const { bindings } = compiler
  const refs = bindings.flatMap((b) => bindingRefs(b.binding))
  const chunkKeys = new Set(refs.filter((r) => r.chunk).map((r) => r.key))
  const whole = typeof source === 'string' && bindings.length === 1 && isWholeBinding(source) ? bindings[0] : undefined
  return { render, bindings, refs, chunkKeys, ...(whole ? { whole } : {}) }
}

function isWholeBinding(source: string): boolean {
  const segments = scanTemplate(source)
  return segments.length === 1 && segments[0]!.kind === 'binding'
}

type Render = (scope: Scope) => unknown

class Compiler {
  readonly bindings: CompiledBinding[] = []
  /** Where in the value the compiler is; copied only into an error. */
  private readonly path: (string | number)[] = []

  constructor(private readonly roots: readonly string[] | undefined) {}

  value(value: unknown): Render {
    if (typeof value === 'string') return this.string(value)
    if (Array.isArray(value)) {
      const items = value.map((item, i) => this.at(i, item))
      if (items.every(isConstant)) return constant(value)
      return (scope) => items.map((render) => render(scope))
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value).map(([k, v]) => [k, this.at(k, v)] as const)
      if (entries.every(([, render]) => isConstant(render))) return constant(value)
      return (scope) => {
        const result: Record<string, unknown> = {}
        for (const [k, render] of entries) result[k] = render(scope)
        return result
      }
    }
    return constant(value)
  }

  private at(step: string | number, value: unknown): Render {
    this.path.push(step)
    const render = this.value(value)
    this.path.pop()
    return render
  }

  private string(source: string): Render {
    if (!source.includes('${')) return constant(source)
    let segments
    try {
      segments = scanTemplate(source)
    } catch (error) {
      if (error instanceof ScanError) throw new TemplateError(error.message, [...this.path], error.offset)
      throw error
    }
    const parts = segments.map((segment) => {
      if (segment.kind === 'text') return segment.text
      const fail = (message: string, offset: number) =>
        new TemplateError(`bad binding "\${${excerpt(segment.body)}}": ${message}`, [...this.path], segment.offset + offset)
      let binding
      try {
        binding = parseBinding(segment.body)
      } catch (error) {
        if (error instanceof BindingSyntaxError) throw fail(error.message, error.offset)
        throw error
      }
      const unknown = this.roots && bindingRefs(binding).find((ref) => !this.roots!.includes(ref.key))
      if (unknown) throw fail(`unknown binding "${excerpt(unknown.key)}" (bindings: ${this.roots!.join(', ')})`, 0)
      const compiled = compileBinding(binding)
      this.bindings.push(compiled)
      return compiled
    })
    const only = parts[0]
    if (parts.length === 1 && typeof only !== 'string' && only) return (scope) => only.evaluate(scope)
    return (scope) => {
      let text = ''
      for (const part of parts) text += typeof part === 'string' ? part : toText(part.evaluate(scope))
      return text
    }
  }
}

const CONSTANT = Symbol('constant')

function constant(value: unknown): Render {
  return Object.assign(() => value, { [CONSTANT]: true })
}

function isConstant(render: Render): boolean {
  return CONSTANT in render
}
