// Pass 6c, once components and workflows are built: what a component's keys
// name — another component (and its action) or a workflow of the same file,
// as its plugin tells (settingReferences, actionReferences) — must exist. An
// unknown one is refused at the key's file:line:col, not when `mc up` starts
// the component or a run gets there (model-compose 0.4.92 refuses a workflow
// component's unknown workflow at load too). An id a binding gives is known
// only at run time; with a `controller.queue`, a workflow the file lacks may
// run on the queue's workers where the plugin says the run can go there.

import { isTemplate } from '../../binding/template.ts'
import { formatKeyPath } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import type { ComponentPlugin, ComponentReference, Reference, WorkflowReference } from '../../model/component-plugin.ts'
import type { ComponentModel, WorkflowModel } from '../../model/compose-model.ts'
import type { Doc, Path } from '../../model/doc.ts'
import { DEFAULT_ID } from '../../model/ids.ts'
import { placeAtPath } from '../../model/places.ts'
import { nameList } from './name-list.ts'

/** model-compose's name of a lone workflow, which mc calls `__default__`. */
const LONE_WORKFLOW_ID = '__workflow__'

/** Adds to `list` the references of a component's settings, key paths from the document's root. */
export function addSettingReferences(list: Reference[], plugin: ComponentPlugin, settings: Doc, path: Path): void {
  for (const reference of plugin.settingReferences?.(settings) ?? []) list.push(rebased(reference, (at) => [...path, ...at]))
}

/**
 * Adds an action's: each key is placed where it is written, in the action
 * (`item` at `itemPath`) or among the component's defaults (`component` at `path`).
 */
export function addActionReferences(list: Reference[], plugin: ComponentPlugin, fields: Doc, settings: Doc, component: Doc, path: Path, item: Doc, itemPath: Path): void {
  const where = (at: Path): Path => [...(at[0] !== undefined && !Object.hasOwn(item, at[0]) && Object.hasOwn(component, at[0]) ? path : itemPath), ...at]
  for (const reference of plugin.actionReferences?.(fields, settings) ?? []) list.push(rebased(reference, where))
}

function rebased(reference: Reference, where: (at: Path) => Path): Reference {
  if (reference.kind === 'workflow') return { ...reference, path: where(reference.path) }
  return { ...reference, path: where(reference.path), ...(reference.actionPath ? { actionPath: where(reference.actionPath) } : {}) }
}

/** What the references may name. */
export interface ReferenceTargets {
  components: ReadonlyMap<string, ComponentModel>
  workflows: ReadonlyMap<string, WorkflowModel>
  defaultWorkflowId: string | undefined
  /** The file has a `controller.queue`. */
  queued: boolean
}

/** Throws a ComposeError at the first reference naming nothing of the file. */
export function checkReferences(doc: Doc, references: readonly Reference[], targets: ReferenceTargets): void {
  // Whether a component has a default action, looked up once each: many references may name one with many actions.
  const hasDefault = new Map<ComponentModel, boolean>()
  const defaultOf = (component: ComponentModel) => hasDefault.get(component) ?? hasDefault.set(component, hasDefaultAction(component)).get(component)!
  for (const reference of references) {
    if (reference.kind === 'workflow') checkWorkflow(doc, reference, targets)
    else checkComponent(doc, reference, targets.components, defaultOf)
  }
}

function checkWorkflow(doc: Doc, reference: WorkflowReference, { workflows, defaultWorkflowId, queued }: ReferenceTargets): void {
  if (isTemplate(reference.id) || (queued && reference.mayBeQueued)) return
  const known = () => nameList(workflows.keys()) || 'none'
  if (reference.id === undefined) {
    if (defaultWorkflowId !== undefined) return
    const why = workflows.size === 0 ? 'is no workflow' : 'are several and none says "default: true"'
    fail(doc, reference.path, `runs the default workflow, but there ${why} (workflows: ${known()})`)
  }
  // The runtime's rule (Runtime.findWorkflow): model-compose's `__workflow__` finds mc's `__default__`.
  if (workflows.has(reference.id) || (reference.id === LONE_WORKFLOW_ID && workflows.has(DEFAULT_ID))) return
  fail(doc, reference.path, `unknown workflow "${reference.id}" (workflows: ${known()})`)
}

/** The runtime's rule (core/runtime/component-action.ts): the named action, or the default one. */
function checkComponent(doc: Doc, reference: ComponentReference, components: ReadonlyMap<string, ComponentModel>, hasDefault: (component: ComponentModel) => boolean): void {
  if (isTemplate(reference.id)) return
  const component = components.get(reference.id)
  if (!component) return fail(doc, reference.path, `unknown component "${reference.id}" (components: ${nameList(components.keys()) || 'none'})`)
  const { actions } = component
  const id = reference.action
  const at = reference.actionPath ?? reference.path
  if (isTemplate(id)) return
  if (id !== undefined && !(id === DEFAULT_ID && !actions.has(DEFAULT_ID))) {
    if (!actions.has(id)) fail(doc, at, `component "${component.id}" has no action "${id}" (actions: ${nameList(actions.keys())})`)
    return
  }
  if (hasDefault(component)) return
  fail(doc, at, `component "${component.id}" has several actions and none says "default: true": say which one with "action" (actions: ${nameList(actions.keys())})`)
}

/** `__default__`, the only action, or the one marked `default: true`. */
function hasDefaultAction({ actions }: ComponentModel): boolean {
  return actions.has(DEFAULT_ID) || actions.size === 1 || [...actions.values()].some((action) => action.isDefault)
}

/** The error at `at`, or at the part of it the file writes (a key left out is placed at what holds it). */
function fail(doc: Doc, at: Path, message: string): never {
  let node: unknown = doc
  let written = 0
  for (const step of at) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) break
    node = (node as Record<string | number, unknown>)[step]
    written++
  }
  const path = at.slice(0, written)
  throw new ComposeError(message, placeAtPath(doc, path), formatKeyPath(path))
}
