// Compiles a template found at a path of the compose file: a syntax error or
// an unknown binding becomes a ComposeError naming its file:line:col.

import { BINDING_ROOTS } from '../../binding/names.ts'
import { compileTemplate, TemplateError, type Template } from '../../binding/template.ts'
import { formatKeyPath } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { placeAtPath } from '../../model/places.ts'

/** Compiles a template; a syntax error or an unknown binding names its file:line:col. */
export function compileAt(source: unknown, root: Record<string, unknown>, path: (string | number)[], roots: readonly string[] = BINDING_ROOTS): Template {
  try {
    return compileTemplate(source, { roots })
  } catch (error) {
    if (error instanceof TemplateError) {
      const full = [...path, ...error.path]
      throw new ComposeError(error.message, placeAtPath(root, full), formatKeyPath(full))
    }
    throw error
  }
}
