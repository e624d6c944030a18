// A workflow's input and output schemas, derived from the `${input.*}`
// bindings it uses and from its `output`. The controller checks requests
// against the input schema (422) and lists both for clients and UIs.

import type { Binding, Expr, Ref } from '../binding/ast.ts'
import { convert } from '../binding/convert.ts'
import { compileTemplate, formatBindingPlace, type CompiledBinding, type Template } from '../binding/template.ts'
import { ConversionError, didYouMean, type ErrorWhere, invalidInput, noteWhere } from '../errors.ts'
import type { InputField, InputRoute, OutputSchema } from '../model/io-schema.ts'
import { DEFAULT_ID, DEFAULT_JOB_ID } from '../model/ids.ts'

/** A field while the schema is derived: what its reads have said of it so far. */
interface Node {
  field: InputField
  /** Typed by an `as` (a default's kind is a weaker hint, which an `as` overrides). */
  typed: boolean
  /** Some read goes inside the value (`${input.data.count}`, `${input.items[0]}`). */
  inner: boolean
  children: Map<string, Node>
  /** Where it is first read: a missing required field names it. */
  where?: ErrorWhere
}

/** A job's route of the workflow input, with the ids a run-time error names. */
export type OwnedRoute = InputRoute & { jobId?: string; componentId?: string }

/** Where each derived field is first read (file:line:col, job, component). */
const fieldWhere = new WeakMap<InputField, ErrorWhere>()

/** One read of the workflow input: the keys of its path up to the first step that is not a key. */
interface InputRead {
  steps: string[]
  /** Every step is a key: the read is of exactly that value. */
  exact: boolean
  binding: Binding
  /** Its place in the compose file, once compiled at load. */
  compiled: CompiledBinding
  /** The binding itself is the reference (its `as`, `|` and `@()` are about the value read). */
  whole: boolean
}

/**
 * The fields a workflow reads of its input, by top-level name. The keys read
 * inside a value (`${input.data.count as integer}`) are the field's `fields`:
 * a nested path types its own key, never the field it goes through. A field
 * is required only when a read of it says `@(required true)` and gives no
 * default: model-compose takes a missing input as null, and so does mc.
 */
export function deriveInputSchema(routes: OwnedRoute[]): InputField[] {
  const top = new Map<string, Node>()
  let owner: OwnedRoute | undefined
  const add = (read: InputRead) => {
    let node = nodeOf(top, read.steps[0]!)
    if (read.steps.length > 1 || !read.exact) node.inner = true
    if (!read.exact) return // `${input.items[0].name}`: read inside, not checked
    for (let i = 1; i < read.steps.length; i++) {
      node = nodeOf(node.children, read.steps[i]!)
      if (i < read.steps.length - 1) node.inner = true
    }
    if (read.whole) apply(node, read.binding)
    node.where ??= whereOf(read.compiled, owner)
  }
  // Routes of jobs that always run come first: their reads type a field first.
  for (const route of [...routes.filter((r) => !r.optional), ...routes.filter((r) => r.optional)]) {
    owner = route
    for (const template of route.direct) forEachInputRead(template.bindings, add)
    if (route.passThrough || route.renames.size > 0) {
      for (const template of route.component) {
        forEachInputRead(template.bindings, (read) => {
          if (route.passThrough) return add(read)
          // A component's `${input.x as T}` types the workflow input that its job input `x` is.
          const renamed = route.renames.get(read.steps[0]!)
          const node = renamed ? top.get(renamed) : undefined
          if (node && !node.typed && read.whole && read.exact && read.steps.length === 1 && read.binding.type) typeAs(node, read.binding)
        })
      }
    }
  }
  return [...top.values()].map(finish)
}

function whereOf(compiled: CompiledBinding, owner: OwnedRoute | undefined): ErrorWhere {
  return {
    ...(compiled.place ? { place: formatBindingPlace(compiled.place) } : {}),
    // The ids mc gives a lone job or component are not named: the file does not say them.
    ...(owner?.jobId && owner.jobId !== DEFAULT_JOB_ID ? { job: owner.jobId } : {}),
    ...(owner?.componentId && owner.componentId !== DEFAULT_ID ? { component: owner.componentId } : {}),
  }
}

function nodeOf(map: Map<string, Node>, name: string): Node {
  let node = map.get(name)
  if (!node) map.set(name, (node = { field: { name, type: 'string', required: false }, typed: false, inner: false, children: new Map() }))
  return node
}

function apply(node: Node, binding: Binding): void {
  const field = node.field
  if (binding.type && !node.typed) typeAs(node, binding)
  if (binding.fallback?.kind === 'literal' && field.default === undefined) {
    const fallback = binding.fallback.value
    field.default = fallback
    if (!binding.type && !node.typed && fallback !== null) field.type = inferType(fallback)
  }
  if (!binding.fallback && binding.annotations.required?.trim().toLowerCase() === 'true') field.required = true
  if (binding.annotations.description && !field.description) field.description = binding.annotations.description
}

function typeAs(node: Node, binding: Binding): void {
  node.field.type = binding.type!
  if (binding.subtype !== undefined) node.field.subtype = binding.subtype
  if (binding.format !== undefined) node.field.format = binding.format
  node.typed = true
}

/** The field as the schema gives it: one read inside and never typed holds any value; required when a key inside is. */
function finish(node: Node): InputField {
  const field = node.field
  if (node.where) fieldWhere.set(field, node.where)
  if (node.inner && !node.typed && field.default === undefined) field.type = 'any'
  if (node.children.size > 0) {
    field.fields = [...node.children.values()].map(finish)
    if (field.fields.some((f) => f.required)) field.required = true
  }
  return field
}

/** Calls `fn` for each read of `input.<name>...`, in a binding, its default or an expression. */
function forEachInputRead(bindings: readonly CompiledBinding[], fn: (read: InputRead) => void): void {
  const visit = (binding: Binding, compiled: CompiledBinding) => {
    const refs = binding.expr.kind === 'ref' ? [binding.expr] : collect(binding.expr, [])
    for (const ref of refs) {
      if (ref.key !== 'input' || typeof ref.path[0] !== 'string') continue
      const at = ref.path.findIndex((step) => typeof step !== 'string')
      const steps = (at < 0 ? ref.path : ref.path.slice(0, at)) as string[]
      fn({ steps, exact: at < 0, binding, compiled, whole: ref === binding.expr })
    }
    if (binding.fallback?.kind === 'binding') visit(binding.fallback.binding, compiled)
  }
  for (const b of bindings) visit(b.binding, b)
}

function collect(expr: Expr, out: Ref[]): Ref[] {
  if (expr.kind === 'ref') out.push(expr)
  else if (expr.kind === 'not') collect(expr.operand, out)
  else if (expr.kind === 'binary') {
    collect(expr.left, out)
    collect(expr.right, out)
  }
  return out
}

function inferType(value: unknown): string {
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'number') return 'number'
  return 'string'
}

export function deriveOutputSchema(template: Template, source: unknown): OutputSchema {
  if (template.whole) {
    const b = template.whole.binding
    return {
      kind: 'value',
      ...(b.type ? { type: b.type } : {}),
      ...(b.subtype ? { subtype: b.subtype } : {}),
      ...(b.format ? { format: b.format } : {}),
      ...(b.annotations.description ? { description: b.annotations.description } : {}),
    }
  }
  if (source !== null && typeof source === 'object' && !Array.isArray(source)) {
    const fields: Record<string, OutputSchema> = {}
    for (const [key, value] of Object.entries(source)) {
      fields[key] = deriveOutputSchema(compileTemplate(value), value)
    }
    return { kind: 'object', fields }
  }
  return { kind: 'value', type: typeof source === 'string' ? 'string' : 'json' }
}

/**
 * Checks a request's input against the schema: 422 naming the field (`input.data.count`)
 * when a value cannot be its type, or a required one is missing. A missing
 * input is otherwise null to the workflow, as in model-compose.
 */
export function checkInput(fields: readonly InputField[], input: unknown): void {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    throw invalidInput('input: expected an object of named values')
  }
  checkFields(fields, (input ?? {}) as Record<string, unknown>, 'input.')
}

function checkFields(fields: readonly InputField[], values: Record<string, unknown>, prefix: string): void {
  for (const field of fields) {
    const value = values[field.name]
    if (value === undefined || value === null) {
      if (field.required) throw missingField(fields, values, field, prefix)
      continue
    }
    try {
      convert(value, field.type, field.subtype, field.format)
    } catch (error) {
      if (error instanceof ConversionError) throw invalidInput(`${prefix}${field.name}: ${error.message}`)
      throw error
    }
    // Keys are read inside a mapping only: in anything else each reads as null, as in model-compose.
    if (field.fields) {
      const mapping = typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
      checkFields(field.fields, mapping ? (value as Record<string, unknown>) : {}, `${prefix}${field.name}.`)
    }
  }
}

/**
 * `input.promt: is required (did you mean input.prompt?) at compose.yml:12:15 (job X, component Y)`:
 * a name given in the request that no binding reads is the likely meant one.
 */
function missingField(fields: readonly InputField[], values: Record<string, unknown>, field: InputField, prefix: string): Error {
  const known = new Set(fields.map((f) => f.name))
  const unread = Object.keys(values).filter((key) => !known.has(key))
  const error = invalidInput(`${prefix}${field.name}: is required${didYouMean(field.name, unread, prefix)}`)
  const where = fieldWhere.get(field)
  if (where) noteWhere(error, where)
  return error
}
