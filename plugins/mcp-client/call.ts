// Runs one tool action on an MCP session: the rendered `tool`, `arguments`
// and `headers` → `${response}`, the list of the result's content blocks as
// values (content.ts). A result marked isError fails the run with a 502 and the
// tool's own text, on one line (model-compose raises an error too). The call
// is an `upstream` span (metrics, traces), named after the MCP method.

import { excerptOf, invalidInput, type RunResult, startUpstreamSpan, toMilliseconds, upstreamFailed } from '../../core/plugin/api.ts'
import { textOf, valueOf } from './content.ts'
import { headersOf } from './credentials.ts'
import { DEFAULT_CALL_TIMEOUT_SECONDS, DEFAULT_TOOL, type McpToolAction } from './schema.ts'
import type { McpSession } from './session.ts'

export async function runToolAction(session: McpSession, action: McpToolAction, signal: AbortSignal): Promise<RunResult> {
  const tool = action.tool ?? DEFAULT_TOOL
  const args = action.arguments ?? {}
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw invalidInput(`the arguments of tool "${tool}" must be a mapping of names to values, not ${Array.isArray(args) ? 'a list' : typeof args}`)
  }
  const span = startUpstreamSpan('tools/call', session.url ?? '')
  span.set('mcp.tool', tool)
  try {
    const result = await session.callTool({
      tool,
      arguments: args,
      headers: headersOf(action.headers),
      timeoutMs: toMilliseconds(action.timeout ?? DEFAULT_CALL_TIMEOUT_SECONDS),
      signal,
    })
    const blocks = (result.content ?? []) as { type: string; [key: string]: unknown }[]
    if (result.isError) {
      const text = excerptOf(textOf(blocks), 1000)
      throw upstreamFailed(`${session.what}: tool "${tool}" failed${text ? `: ${text}` : ''}`)
    }
    span.end('ok')
    return { response: blocks.map(valueOf) }
  } catch (error) {
    span.end(signal.aborted ? 'cancelled' : 'error', error)
    throw error
  }
}
