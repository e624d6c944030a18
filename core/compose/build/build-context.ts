// What a job type's build works with: the job as its type expanded it, and
// load errors placed at file:line:col within it (the places of shorthand keys
// travel with them), key paths given from the document's root.

import type { TSchema } from '@sinclair/typebox'
import type { Template } from '../../binding/template.ts'
import { compileAt } from './compile-at.ts'
import type { ActionModel, ComponentModel } from '../../model/compose-model.ts'
import { nameList } from './name-list.ts'
import { DEFAULT_ID } from '../../model/ids.ts'
import { placeAtPath, placeOf, sourceKeyPath } from '../../model/places.ts'
import { validate } from './validate.ts'
import { ComposeError } from '../../model/compose-error.ts'
import type { Doc, Path } from '../../model/doc.ts'
import type { BuildContext } from '../../model/job-contract.ts'

/** The component a job that names none runs: `__default__`, or the only component there is. */
export function defaultComponentId(components: ReadonlyMap<string, ComponentModel>): string | undefined {
  if (components.has(DEFAULT_ID)) return DEFAULT_ID
  return components.size === 1 ? [...components.keys()][0] : undefined
}

export interface JobBuildContext extends BuildContext {
  /** The job checked against `schema` (numbers given as text converted). */
  validate(schema: TSchema, job: Doc): Doc
}

/** `job` stands at `path` of `root`; errors within it are placed through `job` itself. */
export function jobBuildContext(job: Doc, root: Doc, path: Path, components: ReadonlyMap<string, ComponentModel>): JobBuildContext {
  const fallback = () => placeAtPath(root, path)
  // Errors found relative to the job get the job's path in front of theirs.
  const rebased = <T>(fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      if (!(error instanceof ComposeError)) throw error
      const jobPath = sourceKeyPath(root, path)
      const keyPath = error.keyPath ? `${jobPath}${error.keyPath.startsWith('[') ? '' : '.'}${error.keyPath}` : jobPath
      throw new ComposeError(error.reason, error.place ?? fallback(), keyPath)
    }
  }
  const fail = (message: string, at: Path, which: 'key' | 'value' = 'value'): never => {
    const parent = at.slice(0, -1).reduce<unknown>((node, step) => (node as Record<string | number, unknown> | undefined)?.[step], job)
    const place = which === 'key' && at.length > 0 ? placeOf(parent, at[at.length - 1]!, 'key') : placeAtPath(job, at)
    throw new ComposeError(message, place ?? fallback(), sourceKeyPath(root, [...path, ...at]))
  }
  return {
    fail,
    validate: (schema, value) => rebased(() => validate<Doc>(schema, value, value, [])),
    compile: (source: unknown, at: Path): Template => rebased(() => compileAt(source, job, at)),
    resolveAction(raw: Doc, at: Path) {
      const named = raw.component as string | undefined
      // `__default__` written out is the default component, unless one has that id.
      const componentId = (named === DEFAULT_ID && !components.has(DEFAULT_ID) ? undefined : named) ?? defaultComponentId(components) ?? DEFAULT_ID
      const component = components.get(componentId)
      if (!component) fail(`unknown component "${componentId}" (known: ${nameList(components.keys()) || 'none defined'})`, [...at, 'component'])
      return { component: component!, action: pickAction(component!, raw.action as string | undefined, at, fail) }
    },
  }
}

function pickAction(component: ComponentModel, id: string | undefined, at: Path, fail: (message: string, at: Path) => never): ActionModel {
  if (id !== undefined && !(id === DEFAULT_ID && !component.actions.has(DEFAULT_ID))) {
    const action = component.actions.get(id)
    if (!action) fail(`component "${component.id}" has no action "${id}" (actions: ${nameList(component.actions.keys())})`, [...at, 'action'])
    return action!
  }
  // `__default__`, the only one, or the one marked `default: true` (model-compose's rule).
  const all = [...component.actions.values()]
  const fallback = component.actions.get(DEFAULT_ID) ?? (all.length === 1 ? all[0] : all.find((a) => a.isDefault))
  if (!fallback) fail(`component "${component.id}" has several actions and none says "default: true": say which one with "action" (${nameList(component.actions.keys())})`, at)
  return fallback!
}
