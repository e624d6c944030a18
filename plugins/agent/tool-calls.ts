// The tool calls of one turn, run at once (model-compose gathers them): each
// becomes one tool result, in the order of the calls. A tool that fails, a
// name no tool has, or arguments that are not a mapping of its parameters
// become an error result the model reads (model-compose's wording), and so do
// calls past MAX_TOOL_CALLS_PER_TURN (mc's bound); only a cancelled run stops
// the turn, and it stops every tool of it.

import { drain, isStream, pythonJson, pythonStr, redact, type CallableTool } from '../../core/plugin/api.ts'
import { isRecord, type ToolCallBlock, type ToolResultBlock } from './messages.ts'

/** Calls of one turn that run; a model asking for more gets an error result for each one past it. */
export const MAX_TOOL_CALLS_PER_TURN = 64

export async function runToolCalls(calls: ToolCallBlock[], tools: ReadonlyMap<string, CallableTool>, signal: AbortSignal): Promise<ToolResultBlock[]> {
  // One signal for the turn's tools: the run's cancellation reaches them all at once.
  const turn = new AbortController()
  const stop = () => turn.abort(signal.reason)
  if (signal.aborted) stop()
  signal.addEventListener('abort', stop, { once: true })
  try {
    const results = await Promise.all(
      calls.map((call, i) =>
        i < MAX_TOOL_CALLS_PER_TURN ? runToolCall(call, tools.get(call.name), turn.signal) : errorResult(call.id, `Error: more than ${MAX_TOOL_CALLS_PER_TURN} tool calls in one turn; this one did not run`),
      ),
    )
    signal.throwIfAborted()
    return results
  } finally {
    signal.removeEventListener('abort', stop)
  }
}

async function runToolCall(call: ToolCallBlock, tool: CallableTool | undefined, signal: AbortSignal): Promise<ToolResultBlock> {
  if (!tool) return errorResult(call.id, `Error: Unknown tool '${call.name}'`)
  try {
    let result = await tool.run(inputOf(call, tool), signal)
    if (isStream(result)) result = await drain(result)
    return { type: 'tool_result', id: call.id, content: typeof result === 'object' && result !== null && !(result instanceof Uint8Array) ? pythonJson(result) : pythonStr(result) }
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error'
    // The message goes to the model's upstream: no secret in it.
    return errorResult(call.id, redact(`${name}: ${error instanceof Error ? error.message : String(error)}`))
  }
}

/** The workflow input: each parameter the tool has, null when not given (as model-compose calls its tool function). */
function inputOf(call: ToolCallBlock, tool: CallableTool): Record<string, unknown> {
  let args = call.arguments
  // A model (or a `model.output` without `as json`) may hand the arguments as JSON text.
  if (typeof args === 'string') args = args.trim() === '' ? {} : JSON.parse(args)
  if (!isRecord(args)) throw new TypeError(`${call.name}() argument after ** must be a mapping, not ${args === null ? 'None' : Array.isArray(args) ? 'list' : typeof args}`)
  const names = Object.keys(tool.schema.parameters.properties)
  const unexpected = Object.keys(args).find((key) => !names.includes(key))
  if (unexpected !== undefined) throw new TypeError(`${call.name}() got an unexpected keyword argument '${unexpected}'`)
  return Object.fromEntries(names.map((name) => [name, args[name] ?? null]))
}

function errorResult(id: string, content: string): ToolResultBlock {
  return { type: 'tool_result', id, content, is_error: true }
}
