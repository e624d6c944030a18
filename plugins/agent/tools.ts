// The agent's `tools`: workflow ids of the same file, each a tool named by the
// workflow's `name` (or id). model-compose also takes inline tool schemas,
// answered by a person through a Human-in-the-Loop interrupt, which mc lacks.
// A tool naming no workflow of the file is refused at load (toolReferences).

import { ConfigurationError, notInMc, type CallableTool, type ComponentContext, type Reference } from '../../core/plugin/api.ts'

/** Load-time check of the entries as written. */
export function checkToolEntries(tools: readonly unknown[]): void {
  tools.forEach((entry, i) => {
    if (typeof entry === 'string' && entry !== '') return
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      throw new ConfigurationError(notInMc('agent tool', 'inline tool schema (answered through an interrupt)', ['workflow ids']), ['tools', i])
    }
    throw new ConfigurationError('expected a workflow id', ['tools', i])
  })
}

/** The workflows the tools name (checked entries), for mc to resolve at load. A tool is resolved at start: never a queued workflow. */
export function toolReferences(tools: readonly unknown[]): Reference[] {
  return tools.map((id, i) => ({ kind: 'workflow', id: id as string, path: ['tools', i] }))
}

/** The tools by name; a name taken twice (or an unknown workflow a binding names: literal ones are refused at load) throws, naming the entry. */
export function toolsOf(ids: readonly string[], componentId: string, workflowTool: NonNullable<ComponentContext['workflowTool']>): Map<string, CallableTool> {
  const tools = new Map<string, CallableTool>()
  ids.forEach((id, i) => {
    const fail = (message: string): never => {
      throw new ConfigurationError(`component "${componentId}": tools[${i}]: ${message}`, ['tools', i])
    }
    let tool: CallableTool | undefined
    try {
      tool = workflowTool(id)
    } catch (error) {
      fail((error as Error).message)
    }
    if (tools.has(tool!.schema.name)) fail(`duplicate tool name "${tool!.schema.name}"`)
    tools.set(tool!.schema.name, tool!)
  })
  return tools
}
