// The tools a chat-completion run offers the model, as model-compose hands them
// to the chat template: `{type: "function", function: {name, description,
// parameters}}`. The component's `tools` is the catalog; an action's `tools`
// names some of it, or gives its own definitions; without one, the whole
// catalog is offered (0.4.92's ToolBuilder; 0.4.10 had the action's list only).

import { ConfigurationError } from '../../../core/plugin/api.ts'
import type { ModelAction } from '../engine/action-schema.ts'
import type { Tool } from '../engine/schema.ts'

export interface ToolDefinition {
  type: 'function'
  function: Tool
}

/** The tools of a run; a name missing from the catalog is an error naming `tools`. */
export function toolsOf(action: ModelAction, catalog: Tool[] = []): ToolDefinition[] {
  const chosen = action.tools ?? catalog
  if (!Array.isArray(chosen)) throw new ConfigurationError('expected a list of tool names or tool definitions', ['tools'])
  const tools = chosen.map((tool: unknown) => {
    if (tool !== null && typeof tool === 'object') return tool as Tool
    if (typeof tool !== 'string') throw new ConfigurationError('expected a list of tool names or tool definitions', ['tools'])
    const found = catalog.find((t) => t.name === tool)
    if (!found) throw new ConfigurationError(`tool "${tool}" is not in the component's tools (${catalog.length ? `it has: ${catalog.map((t) => t.name).join(', ')}` : 'it has none'})`, ['tools'])
    return found
  })
  return tools.map((tool) => ({ type: 'function', function: withoutUnset(tool) }))
}

function withoutUnset(tool: Tool): Tool {
  return Object.fromEntries(Object.entries(tool).filter(([, value]) => value !== undefined && value !== null)) as Tool
}
