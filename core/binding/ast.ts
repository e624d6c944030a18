// The parsed form of a binding `${key.path as type/subtype;format | default @(name value)}`.

export type PathStep = string | number

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

export interface Binding {
  expr: Expr
  /** `as text`, `as select/a,b,c`: the type name and what follows its `/`. */
  type?: string
  subtype?: string
  /** `;sse-text`, `;base64`... */
  format?: string
  /** After `|`: a literal or a nested binding, used when the value is null. */
  fallback?: { kind: 'literal'; value: unknown } | { kind: 'binding'; binding: Binding }
  annotations: Record<string, string>
}

export const STREAM_FORMATS = new Set(['sse-text', 'sse-json'])

export function refsOf(expr: Expr, out: Ref[] = []): Ref[] {
  switch (expr.kind) {
    case 'ref':
      out.push(expr)
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
  if (binding.fallback?.kind === 'binding') bindingRefs(binding.fallback.binding, out)
  return out
}
