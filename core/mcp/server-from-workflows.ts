// An MCP server (the SDK's low-level Server, which takes the tools' JSON
// schemas as they are) whose tools are the file's workflows: `tools/list`
// lists them, `tools/call` runs one (tool-call.ts); with interrupts, a
// `resume_workflow` tool answers them (resume-tool.ts). One per connection: a
// stdio process has one, each Streamable HTTP session its own.

import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import pkg from '../../package.json' with { type: 'json' }
import { hasInterrupts, RESUME_TOOL, resumeWorkflowTool } from './resume-tool.ts'
import { callWorkflowTool, type ToolCallContext } from './tool-call.ts'
import { toolError } from './tool-results.ts'
import type { WorkflowTool } from './workflow-tools.ts'

export interface CallHooks {
  /** What else ends a call: its HTTP request going away (http-transport.ts). */
  signalOf?(requestId: string | number): AbortSignal | undefined
  /** Takes a place for a call in its session, or throws (busy); returns the release. */
  enter?(): () => void
}

export function serverFromWorkflows(tools: ReadonlyMap<string, WorkflowTool>, context: ToolCallContext, serverName: string, hooks: CallHooks = {}): Server {
  const server = new Server({ name: serverName, version: pkg.version }, { capabilities: { tools: { listChanged: false } } })
  const resumable = hasInterrupts(context.runtime.model)
  const listed = [...[...tools.values()].map(({ workflow: _workflow, ...tool }) => tool), ...(resumable ? [RESUME_TOOL] : [])]
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }))
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: input, _meta } = request.params
    const tool = tools.get(name)
    const resume = !tool && resumable && name === RESUME_TOOL.name
    if (!tool && !resume) return toolError(`unknown tool "${name}" (tools: ${listed.map((t) => t.name).join(', ') || 'none'})`)
    let leave: (() => void) | undefined
    try {
      leave = hooks.enter?.()
    } catch (error) {
      return toolError(error)
    }
    const requestSignal = hooks.signalOf?.(extra.requestId)
    const signal = requestSignal ? AbortSignal.any([extra.signal, requestSignal]) : extra.signal
    try {
      if (!tool) return await resumeWorkflowTool(input ?? {}, signal, context)
      const channel = { signal, sendNotification: extra.sendNotification, ...(_meta?.progressToken !== undefined ? { progressToken: _meta.progressToken } : {}) }
      return await callWorkflowTool(tool.workflow, input ?? {}, channel, context)
    } finally {
      leave?.()
    }
  })
  return server
}
