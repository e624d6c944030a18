// A tool as a model is told of it: model-compose's canonical tool schema
// (its `ModelTool`), which model components map to their wire format.

/** One parameter (or a nested value) of a tool, in JSON Schema terms. */
export interface ToolProperty {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object'
  description?: string
  enum?: unknown[]
  items?: ToolProperty
  properties?: Record<string, ToolProperty>
  required?: string[]
  default?: unknown
}

/** `{name, description, parameters: {type: object, properties, required}}`; no key whose value is unset. */
export interface ToolSchema {
  name: string
  description?: string
  parameters: { type: 'object'; properties: Record<string, ToolProperty>; required: string[] }
}

/** A tool a plugin may call: its schema, and a run of what it stands for (a workflow). */
export interface CallableTool {
  schema: ToolSchema
  /** Runs it with these arguments (a mapping of its parameters); the value may be a stream. */
  run(input: unknown, signal: AbortSignal): Promise<unknown>
}
