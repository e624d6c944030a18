// Pass 6: the validated document → the typed model: the controller, each
// component (its actions split out of its plugin's keys, templates compiled)
// and each workflow (build-workflow.ts).

import { Type } from '@sinclair/typebox'
import { BINDING_ROOTS } from '../../binding/names.ts'
import { compileTemplate } from '../../binding/template.ts'
import { compileAt } from './compile-at.ts'
import { buildWorkflow, defaultComponentId } from './build-workflow.ts'
import { notInMc } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { ConfigurationError, type ComponentPlugin, type Reference } from '../../model/component-plugin.ts'
import type { PluginRegistry } from '../../plugin/registry.ts'
import { buildController } from './build-controller.ts'
import type { ActionModel, ComponentModel, ComposeModel, WorkflowModel } from '../../model/compose-model.ts'
import { DEFAULT_ID, DEFAULT_JOB_ID } from '../../model/ids.ts'
import { placeAtPath, placeOf, placeOfObject, type Place, sourceKeyPath } from '../../model/places.ts'
import { ActionCommonSchema, ComponentCommonSchema } from './schema.ts'
import { MODEL_COMPOSE_COMPONENT_TYPES } from '../../model/model-compose-names.ts'
import { nameList } from './name-list.ts'
import { componentEnvReads, envReadsByPlace } from './component-env-reads.ts'
import { setEnvReads, type EnvRead } from '../../model/env-reads.ts'
import { validate } from './validate.ts'
import { addActionReferences, addSettingReferences, checkReferences } from './references.ts'
import type { Doc, Path } from '../../model/doc.ts'


const COMMON_COMPONENT_KEYS = new Set(Object.keys(ComponentCommonSchema.properties))

export interface BuildOptions {
  baseDir: string
  env: Record<string, string | undefined>
  registry: PluginRegistry
  /** Every `${env.NAME}` without a default the files read, where (parse.ts): each component keeps the names its values read. */
  envReads?: readonly EnvRead[]
}

export function buildModel(doc: Doc, options: BuildOptions): ComposeModel {
  const controller = buildController(doc, options.baseDir)
  const components = new Map<string, ComponentModel>()
  const componentList = (doc.components ?? []) as Doc[]
  const references: Reference[] = []
  const envReads = envReadsByPlace(options.envReads ?? [])
  componentList.forEach((raw, i) => {
    const component = buildComponent(raw, doc, ['components', i], options.registry, references)
    setEnvReads(component, componentEnvReads(raw, envReads))
    if (components.has(component.id)) throw new ComposeError(`duplicate component id "${component.id}"`, placeOf(raw, 'id'), `components[${i}].id`)
    components.set(component.id, component)
  })
  const workflows = new Map<string, WorkflowModel>()
  const workflowList = (doc.workflows ?? implicitWorkflows(components, componentList)) as Doc[]
  workflowList.forEach((raw, i) => {
    const workflow = buildWorkflow(raw, doc, ['workflows', i], components)
    if (workflows.has(workflow.id)) throw new ComposeError(`duplicate workflow id "${workflow.id}"`, placeOf(raw, 'id'), `workflows[${i}].id`)
    workflows.set(workflow.id, workflow)
  })
  // An entry point that hands every run to queue workers (model-compose §7.4) needs nothing of its own;
  // a controller written out and nothing else serves its (empty) API, as in model-compose.
  if (components.size === 0 && workflows.size === 0 && !controller.queue && doc.controller === undefined) {
    throw new ComposeError('nothing to serve: no workflow and no component', placeOfObject(doc))
  }
  const defaults = [...workflows.values()].filter((w) => w.isDefault)
  if (defaults.length > 1) {
    const i = workflowList.findIndex((raw) => raw.id === defaults[1]!.id)
    throw new ComposeError(`several workflows say "default: true": ${nameList(defaults.map((w) => w.id))}`, placeOf(workflowList[i], 'default', 'key'), `workflows[${i}].default`)
  }
  const defaultWorkflowId =
    defaults[0]?.id ?? (workflows.size === 1 ? [...workflows.keys()][0] : workflows.has(DEFAULT_ID) ? DEFAULT_ID : undefined)
  checkReferences(doc, references, { components, workflows, defaultWorkflowId, queued: controller.queue !== undefined })
  return {
    baseDir: options.baseDir,
    controller,
    components,
    workflows,
    env: options.env,
    ...(defaultWorkflowId ? { defaultWorkflowId } : {}),
  }
}

/** A file with components but no workflow gets a workflow that runs the default component. */
function implicitWorkflows(components: Map<string, ComponentModel>, raw: Doc[]): Doc[] {
  const marked = raw.find((c) => c.default === true)?.id as string | undefined
  const component = marked ?? defaultComponentId(components)
  return component === undefined ? [] : [{ id: DEFAULT_ID, jobs: [{ id: DEFAULT_JOB_ID, component }] }]
}

/** Builds one component; what its keys name of the file is added to `references`, checked once all is built. */
function buildComponent(raw: Doc, root: Doc, path: Path, registry: PluginRegistry, references: Reference[]): ComponentModel {
  validate(ComponentCommonSchema, raw, root, path)
  const type = raw.type as string
  const plugin = registry.get(type)
  if (!plugin) {
    const message = MODEL_COMPOSE_COMPONENT_TYPES.includes(type)
      ? notInMc('component type', type, registry.types())
      : `unknown component type "${type}" (known: ${registry.types().join(', ')})`
    throw new ComposeError(message, placeOf(raw, 'type'), sourceKeyPath(root, [...path, 'type']))
  }
  const settingKeys = new Set(Object.keys(plugin.settings?.properties ?? {}))
  const actionKeys = new Set(Object.keys(plugin.action.properties))
  const settings: Doc = {}
  const defaults: Doc = {}
  let unknownKey: string | undefined
  for (const [key, value] of Object.entries(raw)) {
    if (COMMON_COMPONENT_KEYS.has(key)) continue
    if (settingKeys.has(key)) settings[key] = value
    else if (actionKeys.has(key)) defaults[key] = value
    else unknownKey ??= key
  }
  // Errors in these subsets are placed through `root` and `path`, where the keys really stand.
  const checkedSettings = plugin.settings ? validate<Doc>(plugin.settings, settings, root, path) : {}
  // What the settings say first (a model task mc lacks explains the keys that come with it).
  placeConfigurationError(() => plugin.checkSettings?.(checkedSettings), root, path)
  if (unknownKey !== undefined) {
    throw new ComposeError(`unknown key "${unknownKey}" for a ${type} component`, placeOf(raw, unknownKey, 'key'), sourceKeyPath(root, [...path, unknownKey]))
  }
  validate(Type.Partial(plugin.action), defaults, root, path, { templates: true })
  addSettingReferences(references, plugin, checkedSettings, path)

  const actions = new Map<string, ActionModel>()
  const rawActions = raw.actions as Doc[] | undefined
  const list: { item: Doc; itemPath: Path }[] = rawActions
    ? rawActions.map((item, i) => ({ item, itemPath: [...path, 'actions', i] }))
    : [{ item: { id: DEFAULT_ID }, itemPath: path }]
  const actionSchema = Type.Composite([ActionCommonSchema, plugin.action], { additionalProperties: false })
  // An output also reads what the plugin's runs give back: named by its default output, or listed.
  const outputRoots = [...new Set([...BINDING_ROOTS, ...compileTemplate(plugin.defaultOutput).refs.map((ref) => ref.key), ...(plugin.resultKeys ?? [])])]
  for (const { item, itemPath } of list) {
    const id = item.id as string
    if (actions.has(id)) throw new ComposeError(`duplicate action id "${id}"`, placeOf(item, 'id'), sourceKeyPath(root, [...itemPath, 'id']))
    validate(Type.Partial(actionSchema), item, root, itemPath, { templates: true })
    const merged = validate<Doc>(actionSchema, { ...defaults, ...item }, root, itemPath, { templates: true })
    const { id: _id, output, default: isDefault, ...fields } = merged
    checkAction(plugin, fields, checkedSettings, item, root, itemPath)
    addActionReferences(references, plugin, fields, checkedSettings, raw, path, item, itemPath)
    if (isDefault === true && [...actions.values()].some((a) => a.isDefault)) {
      throw new ComposeError(`several actions say "default: true"`, placeOf(item, 'default', 'key'), sourceKeyPath(root, [...itemPath, 'default']))
    }
    actions.set(id, {
      id,
      ...(isDefault === true ? { isDefault: true } : {}),
      fields: compileAt(fields, root, itemPath),
      output: compileAt(output ?? raw.output ?? plugin.defaultOutput, root, [...itemPath, 'output'], outputRoots),
    })
  }
  const maxConcurrentCount = (raw.max_concurrent_count as number | undefined) ?? plugin.defaultMaxConcurrentCount ?? 0
  return { id: raw.id as string, type, plugin, settings: checkedSettings, maxConcurrentCount, actions }
}

function checkAction(plugin: ComponentPlugin, fields: Doc, settings: Doc, item: Doc, root: Doc, path: Path): void {
  placeConfigurationError(() => plugin.checkAction?.(fields, settings), root, path, placeOf(item, 'id'))
}

/** Runs a plugin's check; what it throws is placed at `path` (plus the ConfigurationError's own path). */
function placeConfigurationError(check: () => void, root: Doc, path: Path, fallback?: Place): void {
  try {
    check()
  } catch (error) {
    const at = error instanceof ConfigurationError ? [...path, ...error.path] : path
    throw new ComposeError((error as Error).message, placeAtPath(root, at) ?? fallback, sourceKeyPath(root, at))
  }
}

