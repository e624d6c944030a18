// A workflow's input and output schemas, derived from the `${input.*}`
// bindings it uses and from its `output`. The controller checks requests
// against the input schema (422) and lists both for clients and UIs.

import type { Binding } from '../binding/ast.ts'
import { convert } from '../binding/convert.ts'
import { compileTemplate, type CompiledBinding, type Template } from '../binding/template.ts'
import { ConversionError, invalidInput } from '../errors.ts'
import type { InputField, InputRoute, OutputSchema } from '../model/io-schema.ts'

export function deriveInputSchema(routes: InputRoute[]): InputField[] {
  const fields = new Map<string, InputField>()
  let optional = false
  const add = (name: string, binding: Binding) => {
    const typed = binding.expr.kind === 'ref'
    const fallback = binding.fallback?.kind === 'literal' ? binding.fallback.value : undefined
    const existing = fields.get(name)
    const field: InputField = existing ?? { name, type: 'string', required: !optional }
    if (typed && binding.type && (!existing || existing.type === 'string')) {
      field.type = binding.type
      if (binding.subtype !== undefined) field.subtype = binding.subtype
      if (binding.format !== undefined) field.format = binding.format
    }
    if (binding.fallback) {
      field.required = false
      if (fallback !== undefined && field.default === undefined) {
        field.default = fallback
        if (!binding.type && field.type === 'string' && fallback !== null) field.type = inferType(fallback)
      }
    }
    if (binding.annotations.description && !field.description) field.description = binding.annotations.description
    if (!existing && !binding.fallback && !typed) field.required = false // read inside an expression only
    fields.set(name, field)
  }
  // Routes of jobs that always run come first: they say what is required.
  for (const route of [...routes.filter((r) => !r.optional), ...routes.filter((r) => r.optional)]) {
    optional = route.optional === true
    for (const template of route.direct) forEachInputBinding(template.bindings, (name, b) => add(name, b))
    if (route.passThrough || route.renames.size > 0) {
      for (const template of route.component) {
        forEachInputBinding(template.bindings, (name, b) => {
          if (route.passThrough) add(name, b)
          else {
            const renamed = route.renames.get(name)
            const field = renamed ? fields.get(renamed) : undefined
            if (field && field.type === 'string' && b.type) {
              field.type = b.type
              if (b.subtype !== undefined) field.subtype = b.subtype
            }
          }
        })
      }
    }
  }
  return [...fields.values()]
}

/** Calls `fn` for each binding whose expression reads `input.<name>` first. */
function forEachInputBinding(bindings: readonly CompiledBinding[], fn: (name: string, binding: Binding) => void): void {
  const visit = (binding: Binding) => {
    const expr = binding.expr
    if (expr.kind === 'ref') {
      if (expr.key === 'input' && typeof expr.path[0] === 'string') fn(expr.path[0], binding)
    } else {
      const refs: string[] = []
      collect(expr, refs)
      for (const name of refs) fn(name, { expr: { kind: 'literal', value: null }, annotations: {} })
    }
    if (binding.fallback?.kind === 'binding') visit(binding.fallback.binding)
  }
  for (const b of bindings) visit(b.binding)
}

function collect(expr: Binding['expr'], out: string[]): void {
  if (expr.kind === 'ref') {
    if (expr.key === 'input' && typeof expr.path[0] === 'string') out.push(expr.path[0])
  } else if (expr.kind === 'not') collect(expr.operand, out)
  else if (expr.kind === 'binary') {
    collect(expr.left, out)
    collect(expr.right, out)
  }
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

/** Checks a request's input against the schema: 422 naming the field on failure. */
export function checkInput(fields: readonly InputField[], input: unknown): void {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    throw invalidInput('input: expected an object of named values')
  }
  const values = (input ?? {}) as Record<string, unknown>
  for (const field of fields) {
    const value = values[field.name]
    if (value === undefined || value === null) {
      if (field.required) throw invalidInput(`input.${field.name}: is required`)
      continue
    }
    try {
      convert(value, field.type, field.subtype)
    } catch (error) {
      if (error instanceof ConversionError) throw invalidInput(`input.${field.name}: ${error.message}`)
      throw error
    }
  }
}
