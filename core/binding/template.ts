// Compiles a template (any YAML value whose strings may hold `${...}`, whose
// mappings and lists may hold the operators of transforms.ts) once, into
// closures. Rendering a template — once per run, or once per stream chunk —
// never parses again.

import { bindingRefs, type Binding, type Ref } from './ast.ts'
import { constant, isPlainObject, OMIT, soleKey, TemplateError, type Compiling, type Render } from './compiling.ts'
import { converterOf, textInTemplate } from './convert.ts'
import { evaluate, type Scope } from './evaluate.ts'
import { BindingSyntaxError, excerpt } from './cursor.ts'
import { MODEL_COMPOSE_ONLY_ROOTS } from './names.ts'
import { noteWhere, notInMc } from '../errors.ts'
import { pythonFloat } from '../python-text.ts'
import { parseBinding } from './parse.ts'
import { scanTemplate, ScanError } from './scan.ts'
import { compileList, compileMapping } from './transforms.ts'

export { TemplateError }

export interface CompiledBinding {
  readonly binding: Binding
  evaluate(scope: Scope): unknown
  /** Where it stands in the template's value (keys and indexes). */
  path?: readonly (string | number)[]
  /** Where it stands in the compose file, set once compiled at load (compile-at.ts). */
  place?: BindingPlace
}

/** A file:line:col (core/model/places.ts's Place). */
export interface BindingPlace {
  readonly file: string
  readonly line: number
  readonly col: number
}

export const formatBindingPlace = (place: BindingPlace): string => `${place.file}:${place.line}:${place.col}`

/** Whether a value as the file writes it is text holding a `${...}` binding (known only once rendered). */
export const isTemplate = (value: unknown): boolean => typeof value === 'string' && value.includes('${')

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
  /** Where a key of the template's mapping is written, when compiled at load (compile-at.ts): `timeout` for a run-time message. */
  keyPlace?: (key: string) => BindingPlace | undefined
}

export function compileBinding(binding: Binding): CompiledBinding {
  const { expr, type, subtype, format, fallback } = binding
  const convert = converterOf(type, subtype, format)
  const fallbackValue = fallback?.kind === 'binding' ? compileBinding(fallback.binding) : undefined
  const compiled: CompiledBinding = {
    binding,
    evaluate(scope) {
      let value = evaluate(expr, scope)
      if (value === null || value === undefined) {
        if (fallbackValue) value = fallbackValue.evaluate(scope)
        else if (fallback?.kind === 'literal') value = fallback.value
      }
      try {
        return convert(value)
      } catch (error) {
        // A value that cannot take the binding's type names the binding's place.
        if (compiled.place) noteWhere(error, { place: formatBindingPlace(compiled.place) })
        throw error
      }
    },
  }
  return compiled
}

export interface CompileOptions {
  /** The binding keys the template may read; a binding reading another is an error. */
  roots?: readonly string[]
}

export function compileTemplate(source: unknown, options: CompileOptions = {}): Template {
  const compiler = new Compiler(options.roots)
  const compiled = compiler.value(source)
  // A `"?"` that takes no branch leaves its key out of a mapping; standing alone it is null.
  const render: Render = isPlainObject(source) && soleKey(source) === '?' ? (scope) => nullForOmit(compiled(scope)) : compiled
  const { bindings } = compiler
  const refs = bindings.flatMap((b) => bindingRefs(b.binding))
  const chunkKeys = new Set(refs.filter((r) => r.chunk).map((r) => r.key))
  const whole = typeof source === 'string' && bindings.length === 1 && isWholeBinding(source) ? bindings[0] : undefined
  return { render, bindings, refs, chunkKeys, ...(whole ? { whole } : {}) }
}

const nullForOmit = (value: unknown) => (value === OMIT ? null : value)

function isWholeBinding(source: string): boolean {
  const segments = scanTemplate(source)
  return segments.length === 1 && segments[0]!.kind === 'binding'
}

class Compiler implements Compiling {
  readonly bindings: CompiledBinding[] = []
  /** Where in the value the compiler is; copied only into an error. */
  private readonly path: (string | number)[] = []

  constructor(private readonly roots: readonly string[] | undefined) {}

  value(value: unknown, offset = 0): Render {
    if (typeof value === 'string') return this.string(value, offset)
    if (Array.isArray(value)) return compileList(value, this)
    if (isPlainObject(value)) return compileMapping(value, this)
    return constant(value)
  }

  at(step: string | number, value: unknown, offset = 0): Render {
    return this.within(step, () => this.value(value, offset))
  }

  within<T>(step: string | number, fn: () => T): T {
    this.path.push(step)
    try {
      return fn()
    } finally {
      this.path.pop()
    }
  }

  error(message: string): TemplateError {
    return new TemplateError(message, [...this.path], 0)
  }

  /** `offset`: where `source` starts in the text of the value (after `...` of a list spread). */
  private string(source: string, offset: number): Render {
    if (!source.includes('${')) return constant(source)
    let segments
    try {
      segments = scanTemplate(source)
    } catch (error) {
      if (error instanceof ScanError) throw new TemplateError(error.message, [...this.path], offset + error.offset)
      throw error
    }
    const parts = segments.map((segment, _, { length }) => {
      if (segment.kind === 'text') return segment.text
      const fail = (message: string, at: number) =>
        new TemplateError(`bad binding "\${${excerpt(segment.body)}}": ${message}`, [...this.path], offset + segment.offset + at)
      let binding
      try {
        binding = parseBinding(segment.body)
      } catch (error) {
        if (error instanceof BindingSyntaxError) throw fail(error.message, error.offset)
        throw error
      }
      const unknown = this.roots && bindingRefs(binding).find((ref) => !this.roots!.includes(ref.key))
      if (unknown) throw fail(unknownRoot(unknown.key, this.roots!), 0)
      const compiled = compileBinding(binding)
      compiled.path = [...this.path]
      this.bindings.push(compiled)
      return binding.type === 'number' && length > 1 ? floatInText(compiled) : compiled
    })
    const only = parts[0]
    if (parts.length === 1 && typeof only !== 'string' && only) return (scope) => only.evaluate(scope)
    return (scope) => {
      let text = ''
      for (const part of parts) text += typeof part === 'string' ? part : textInTemplate(part.evaluate(scope))
      return text
    }
  }
}

/** `as number` is Python's float: in text, 3 reads `3.0` as model-compose writes it. */
function floatInText(compiled: CompiledBinding): Pick<CompiledBinding, 'evaluate'> {
  return {
    evaluate(scope) {
      const value = compiled.evaluate(scope)
      return typeof value === 'number' ? pythonFloat(value) : value
    },
  }
}

function unknownRoot(key: string, roots: readonly string[]): string {
  if (MODEL_COMPOSE_ONLY_ROOTS.includes(key.split(':')[0]!)) return notInMc('binding', excerpt(key), roots)
  return `unknown binding "${excerpt(key)}" (bindings: ${roots.join(', ')})`
}
