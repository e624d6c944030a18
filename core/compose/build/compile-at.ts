// Compiles a template found at a path of the compose file: a syntax error or
// an unknown binding becomes a ComposeError naming its file:line:col.

import { BINDING_ROOTS } from '../../binding/names.ts'
import { compileTemplate, TemplateError, type Template } from '../../binding/template.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { keyPathFrom, placeAtPath, placeOf, type Place } from '../../model/places.ts'

/** Compiles a template; a syntax error or an unknown binding names its file:line:col. */
export function compileAt(source: unknown, root: Record<string, unknown>, path: (string | number)[], roots: readonly string[] = BINDING_ROOTS): Template {
  try {
    const template = compileTemplate(source, { roots })
    // Each binding keeps its file:line:col, for the errors it meets at run time.
    for (const binding of template.bindings) {
      const place = placeAtPath(root, [...path, ...(binding.path ?? [])])
      if (place) binding.place = place
    }
    template.keyPlace = (key) => keyPlaceAt(root, path, key)
    return template
  } catch (error) {
    if (error instanceof TemplateError) {
      const full = [...path, ...error.path]
      throw new ComposeError(error.message, placeAtPath(root, full), keyPathFrom(root, full))
    }
    throw error
  }
}

/** Where `key` of the mapping at `path` is written; an action's key may stand at its component's level. */
function keyPlaceAt(root: Record<string, unknown>, path: (string | number)[], key: string): Place | undefined {
  const nodeAt = (steps: (string | number)[]) => steps.reduce<unknown>((node, step) => (node as Record<string | number, unknown> | undefined)?.[step], root)
  const paths = path.at(-2) === 'actions' ? [path, path.slice(0, -2)] : [path]
  for (const at of paths) {
    const node = nodeAt(at)
    if (node !== null && typeof node === 'object' && Object.hasOwn(node, key)) return placeOf(node, key)
  }
  return undefined
}
