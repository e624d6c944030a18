// Which action of a component a plugin's call runs (ComponentContext.runComponent):
// the rule a job's `action` follows at load (compose/build/build-context.ts).

import type { ActionModel, ComponentModel } from '../model/compose-model.ts'
import { ConfigurationError } from '../model/component-plugin.ts'
import { DEFAULT_ID } from '../model/ids.ts'

/** The named action; with none (or `__default__` where no action has that id): `__default__`, the only one, or the one marked `default: true`. */
export function actionOf(component: ComponentModel, id: string | undefined): ActionModel {
  const actions = component.actions
  const names = () => [...actions.keys()].join(', ')
  if (id !== undefined && !(id === DEFAULT_ID && !actions.has(DEFAULT_ID))) {
    const action = actions.get(id)
    if (!action) throw new ConfigurationError(`component "${component.id}" has no action "${id}" (actions: ${names()})`)
    return action
  }
  const all = [...actions.values()]
  const fallback = actions.get(DEFAULT_ID) ?? (all.length === 1 ? all[0] : all.find((a) => a.isDefault))
  if (!fallback) throw new ConfigurationError(`component "${component.id}" has several actions and none says "default: true" (actions: ${names()})`)
  return fallback
}
