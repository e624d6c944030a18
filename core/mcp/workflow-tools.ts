// The tools an MCP client sees: every workflow of the file but the private
// ones, named by its `name` or id, its title, the description with Args and
// Returns lines, and the JSON schema of its input (core/workflow/tool-schema.ts).

import type { ComposeModel, WorkflowModel } from '../model/compose-model.ts'
import { toolSchemaOf } from '../workflow/tool-schema.ts'
import { toolDescriptionOf } from './tool-description.ts'

export interface WorkflowTool {
  name: string
  title?: string
  description: string
  inputSchema: { type: 'object'; properties: Record<string, unknown>; required: string[] }
  workflow: WorkflowModel
}

/** By tool name; of two workflows with one name, the first keeps it. */
export function workflowToolsOf(model: ComposeModel): Map<string, WorkflowTool> {
  const tools = new Map<string, WorkflowTool>()
  for (const workflow of model.workflows.values()) {
    if (workflow.isPrivate) continue
    const schema = toolSchemaOf(workflow)
    if (tools.has(schema.name)) continue
    tools.set(schema.name, {
      name: schema.name,
      ...(workflow.title ? { title: workflow.title } : {}),
      description: toolDescriptionOf(workflow, workflow.description ?? workflow.title),
      inputSchema: schema.parameters,
      workflow,
    })
  }
  return tools
}
