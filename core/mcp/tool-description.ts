// A workflow tool's description as model-compose writes it (its MCP adapter's
// _build_tool_description): the workflow's description, then an `Args:` line
// per input and a `Returns:` line per output, each with its type and
// `@(description ...)`. A model reads this; the input schema says the same for
// a client.

import type { WorkflowModel } from '../model/compose-model.ts'
import type { InputField, OutputSchema } from '../model/io-schema.ts'

export function toolDescriptionOf(workflow: WorkflowModel, summary: string | undefined): string {
  const lines = [summary ?? '']
  if (workflow.inputSchema.length > 0) {
    lines.push('', 'Args:')
    for (const field of workflow.inputSchema) lines.push(`    ${field.name} (${typeLabel(field.type)}): ${field.description ?? ''}`)
  }
  const returns = returnLines(workflow.outputSchema)
  if (returns.length > 0) lines.push('', 'Returns:', ...returns)
  return lines.join('\n')
}

function returnLines(schema: OutputSchema | undefined): string[] {
  if (!schema) return []
  if (schema.kind === 'value') return schema.type ? [`    output (${typeLabel(schema.type)}): ${schema.description ?? ''}`] : []
  return Object.entries(schema.fields).map(([name, field]) =>
    field.kind === 'value' ? `    ${name} (${typeLabel(field.type ?? 'any')}): ${field.description ?? ''}` : `    ${name} (object): `,
  )
}

/** `text[]` is written `list[text]`, as model-compose writes a list variable. */
function typeLabel(type: InputField['type']): string {
  return type.endsWith('[]') ? `list[${type.slice(0, -2)}]` : type
}
