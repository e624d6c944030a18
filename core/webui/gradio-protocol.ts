// The Gradio client protocol (sse_v3, as @gradio/client 2.x speaks it), so the
// official Gradio clients can call each workflow by name:
//   GET  /config                   the app: one component per input and output, one dependency per workflow
//   GET  /gradio_api/info          named endpoints with their parameters and returns
//   POST /gradio_api/queue/join    {data, fn_index, session_hash} → {event_id}; the run starts
//   GET  /gradio_api/queue/data    SSE of the session's messages: estimation, process_starts,
//                                  process_generating (the first whole, then diffs: text appended,
//                                  list items added), process_completed, close_stream
//   POST /gradio_api/cancel        {event_id, session_hash} → the run stopped, its task cancelled (job.cancel())
// This file describes the app (config, info); the queue is gradio-queue.ts.

import type { InputField, OutputSchema } from '../model/io-schema.ts'
import { streamFormatOf, type WorkflowInfo } from './controller-client.ts'

export const API_PREFIX = '/gradio_api'

/** The endpoint name of a workflow: its id (the lone `__default__` one is Gradio's usual /predict). */
function endpointName(workflow: WorkflowInfo): string {
  return workflow.workflow_id === '__default__' ? 'predict' : workflow.workflow_id
}

function inputComponent(field: InputField): { type: string; props: Record<string, unknown> } {
  const base = { label: field.name, ...(field.description ? { info: field.description } : {}), ...(field.default !== undefined ? { value: field.default } : {}) }
  const [a, b, c] = (field.subtype ?? '').split(',').map(Number)
  switch (field.type) {
    case 'integer':
    case 'number':
      return { type: 'number', props: base }
    case 'boolean':
      return { type: 'checkbox', props: base }
    case 'select':
      return { type: 'dropdown', props: { ...base, choices: (field.subtype ?? '').split(',').map((s) => s.trim()) } }
    case 'slider':
      return { type: 'slider', props: { ...base, minimum: a ?? 0, maximum: b ?? 1, step: c ?? 0.1 } }
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      return { type: field.type, props: base }
    default:
      return { type: 'textbox', props: { ...base, lines: field.type === 'text' ? 4 : 1 } }
  }
}

function outputComponent(output: OutputSchema): { type: string; props: Record<string, unknown> } {
  if (output.kind === 'value' && (output.format === 'sse-text' || output.type === 'text' || output.type === 'string')) return { type: 'textbox', props: { label: 'output' } }
  if (output.kind === 'value' && output.type === 'markdown') return { type: 'markdown', props: { label: 'output' } }
  return { type: 'json', props: { label: 'output' } }
}

const JSON_TYPE: Record<string, { type: string; python: string }> = {
  textbox: { type: 'string', python: 'str' },
  number: { type: 'number', python: 'float' },
  slider: { type: 'number', python: 'float' },
  checkbox: { type: 'boolean', python: 'bool' },
  dropdown: { type: 'string', python: 'str' },
  markdown: { type: 'string', python: 'str' },
}
const typeOf = (component: string) => JSON_TYPE[component] ?? { type: 'object', python: 'Any' }

export function gradioConfig(workflows: WorkflowInfo[], root: string): Record<string, unknown> {
  const components: Record<string, unknown>[] = []
  const dependencies: Record<string, unknown>[] = []
  let next = 1
  workflows.forEach((workflow, index) => {
    const inputs = workflow.input.map((field) => {
      const id = next++
      components.push({ id, ...inputComponent(field) })
      return id
    })
    const output = next++
    components.push({ id: output, ...outputComponent(workflow.output) })
    dependencies.push({
      id: index,
      targets: [],
      inputs,
      outputs: [output],
      api_name: endpointName(workflow),
      types: { generator: streamFormatOf(workflow) !== undefined, cancel: false },
      backend_fn: true,
      queue: true,
      js: null,
      show_api: true,
      connection: 'sse',
    })
  })
  return {
    version: '5.0.0',
    mode: 'blocks',
    app_id: 1,
    title: workflows.map((w) => w.title).join(' · ') || 'mc',
    protocol: 'sse_v3',
    api_prefix: API_PREFIX,
    root,
    enable_queue: true,
    connect_heartbeat: false,
    show_api: true,
    is_space: false,
    components,
    dependencies,
  }
}

export function gradioApiInfo(workflows: WorkflowInfo[]): Record<string, unknown> {
  const named: Record<string, unknown> = {}
  for (const workflow of workflows) {
    named[`/${endpointName(workflow)}`] = {
      parameters: workflow.input.map((field) => {
        const component = inputComponent(field).type
        return {
          label: field.name,
          parameter_name: field.name,
          parameter_has_default: !field.required,
          parameter_default: field.default ?? null,
          type: { type: typeOf(component).type, ...(field.description ? { description: field.description } : {}) },
          python_type: { type: typeOf(component).python, description: field.description ?? '' },
          component: component[0]!.toUpperCase() + component.slice(1),
        }
      }),
      returns: [
        {
          label: 'output',
          type: { type: typeOf(outputComponent(workflow.output).type).type },
          python_type: { type: typeOf(outputComponent(workflow.output).type).python, description: '' },
          component: outputComponent(workflow.output).type,
        },
      ],
      show_api: true,
    }
  }
  return { named_endpoints: named, unnamed_endpoints: {} }
}
