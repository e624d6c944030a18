// The parsed form of a binding `${key.path as type[]/subtype[attrs];format | default @(name value)}`.

/** `[*]`: the rest of the path, taken in each item of a list. */
export interface Each {
  kind: 'each'
}

/** `[a:b]`, `[:b]`, `[a:]`: part of a list, negative bounds counting from its end. */
export interface Slice {
  kind: 'slice'
  start?: number
  end?: number
}

/**
 * `.name`, `["key"]`, `[0]`, `[-1]` (from the end), `[1:3]`, `[*]`, or
 * `[item.i]`: a reference whose value is the key or index to take.
 */
export type PathStep = string | number | Slice | Each | Ref

/** A reference to a value in scope: `input.a.b`, `response[].choices[0]`. */
export interface Ref {
  kind: 'ref'
  key: string
  /** `response[]` / `result[]`: the current chunk of the stream under `key`. */
  chunk: boolean
  path: PathStep[]
}

export type Expr =
  | Ref
  | { kind: 'literal'; value: unknown }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }

export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||'

/** An attribute's value (`sample_rate=${input.rate}`): its text pieces and bindings, in order. */
export type AttrValue = (string | Binding)[]

export interface Binding {
  expr: Expr
  /** `as text`, `as select/a,b,c`, `as audio[]`: the type name (with its `[]`) and what follows its `/`. */
  type?: string
  subtype?: string
  /** `as audio/pcm[sample_rate=24000,channels=1]`: hints for whoever reads the value. */
  attrs?: Record<string, AttrValue>
  /** `;sse-text`, `;base64`... */
  format?: string
  /** After `|`: a literal or a nested binding, used when the value is null. */
  fallback?: { kind: 'literal'; value: unknown } | { kind: 'binding'; binding: Binding }
  annotations: Record<string, string>
}

export const STREAM_FORMATS = new Set(['sse-text', 'sse-json'])

function refsOf(expr: Expr, out: Ref[] = []): Ref[] {
  switch (expr.kind) {
    case 'ref':
      out.push(expr)
      for (const step of expr.path) if (typeof step === 'object' && step.kind === 'ref') refsOf(step, out)
      break
    case 'not':
      refsOf(expr.operand, out)
      break
    case 'binary':
      refsOf(expr.left, out)
      refsOf(expr.right, out)
      break
  }
  return out
}

export function bindingRefs(binding: Binding, out: Ref[] = []): Ref[] {
  refsOf(binding.expr, out)
  for (const value of Object.values(binding.attrs ?? {})) for (const part of value) if (typeof part !== 'string') bindingRefs(part, out)
  if (binding.fallback?.kind === 'binding') bindingRefs(binding.fallback.binding, out)
  return out
}
