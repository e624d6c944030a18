// A workflow that writes out its `input:` mapping declares its input's names:
// a job's input, condition or on_error output, or the workflow's output, reading `${input.promt}` where the mapping has
// `prompt` reads a name that is never there — a load error, with did-you-mean.
// (Without `input:`, the names come from the bindings themselves: a typo is
// only found at run time, when the request lacks a required one.)

import { bindingRefs } from '../../binding/ast.ts'
import type { Template } from '../../binding/template.ts'
import { didYouMean } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'

/** Keys that make the mapping an operator (transforms.ts): its names are not all known at load. */
const OPERATOR_KEYS = ['?', '+', '*', '|', '...']

export function checkDeclaredInput(rawInput: unknown, readers: readonly Template[]): void {
  if (rawInput === null || typeof rawInput !== 'object' || Array.isArray(rawInput)) return
  const names = Object.keys(rawInput)
  if (names.some((name) => OPERATOR_KEYS.includes(name))) return
  for (const template of readers) {
    for (const compiled of template.bindings) {
      // A read with a default may mean "when given": not certainly a typo.
      if (compiled.binding.fallback) continue
      for (const ref of bindingRefs(compiled.binding)) {
        const name = ref.path[0]
        if (ref.key !== 'input' || typeof name !== 'string' || names.includes(name)) continue
        throw new ComposeError(
          `input.${name}: the workflow's input has no "${name}"${didYouMean(name, names, 'input.')} (its input: ${names.join(', ') || 'none'})`,
          compiled.place,
        )
      }
    }
  }
}
