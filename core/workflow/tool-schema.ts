// A workflow as a tool a model may call (agents, MCP): model-compose's
// WorkflowTool.as_model_tool, built from the input schema mc derives.

import type { InputField } from '../model/io-schema.ts'
import type { WorkflowModel } from '../model/compose-model.ts'
import type { ToolProperty, ToolSchema } from '../model/tool-schema.ts'

/** model-compose's _MODEL_TOOL_TYPE_MAP; any other type (any, stream, ...) is a string. */
const JSON_TYPES: Record<string, ToolProperty['type']> = {
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  list: 'array',
  object: 'object',
  json: 'object',
}

/**
 * The tool a workflow is: named by its `name` or id, described by its
 * description or title, taking its input fields as parameters. A parameter is
 * required only when mc's `@(required true)` marks it (model-compose never
 * marks one, so its files give an empty list).
 */
export function toolSchemaOf(workflow: WorkflowModel): ToolSchema {
  // A title that is only the `name` copied as a label (compose/normalize/workflow-jobs.ts) is no description.
  const title = workflow.title !== undefined && workflow.title !== workflow.name ? workflow.title : undefined
  const description = workflow.description ?? title
  return {
    name: workflow.name ?? workflow.id,
    ...(description ? { description } : {}),
    parameters: { type: 'object', ...propertiesOf(workflow.inputSchema) },
  }
}

function propertiesOf(fields: readonly InputField[]): { properties: Record<string, ToolProperty>; required: string[] } {
  const properties: Record<string, ToolProperty> = {}
  for (const field of fields) properties[field.name] = propertyOf(field)
  return { properties, required: fields.filter((f) => f.required).map((f) => f.name) }
}

function propertyOf(field: InputField): ToolProperty {
  const isList = field.type.endsWith('[]')
  const scalar = scalarOf(isList ? field.type.slice(0, -2) : field.type, field)
  const property: ToolProperty = isList ? { type: 'array', items: scalar } : scalar
  if (field.description) property.description = field.description
  if (field.default !== undefined && field.default !== null) property.default = field.default
  return property
}

function scalarOf(type: string, field: InputField): ToolProperty {
  // mc's own: keys read inside a value (`${input.data.count}`) describe it as an object.
  if (field.fields?.length && type === 'any') return { type: 'object', ...propertiesOf(field.fields) }
  const property: ToolProperty = { type: JSON_TYPES[type] ?? 'string' }
  if (type === 'select' && field.subtype) property.enum = field.subtype.split(',')
  return property
}
