// Inputs whose values a `switch` job compares with its cases: the Web UI offers
// those case values as a choice (a dropdown, and a Gradio Dropdown) instead of
// free text. Only a switch whose `input` is exactly `${input.NAME}` and whose
// case values are plain constants names a choice; anything else stays as typed.

import type { ComposeModel } from '../model/compose-model.ts'
import type { InputField } from '../model/io-schema.ts'
import type { WorkflowInfo } from './controller-client.ts'

/** workflow id → input name → the case values, in the file's order. */
export type InputChoices = Map<string, Map<string, string[]>>

export function switchChoicesOf(model: ComposeModel): InputChoices {
  const choices: InputChoices = new Map()
  for (const workflow of model.workflows.values()) {
    for (const job of workflow.jobs) {
      if (job.type !== 'switch') continue
      // switch.ts compiles its templates as [input, ...case values].
      const [input, ...cases] = job.body.templates
      const ref = input?.whole?.binding.expr
      if (ref?.kind !== 'ref' || ref.key !== 'input' || ref.path.length !== 1 || typeof ref.path[0] !== 'string') continue
      if (cases.length === 0 || cases.some((c) => c.bindings.length > 0)) continue
      const values = cases.map((c) => String(c.render({})))
      const fields = choices.get(workflow.id) ?? new Map<string, string[]>()
      fields.set(ref.path[0], [...new Set([...(fields.get(ref.path[0]) ?? []), ...values])])
      choices.set(workflow.id, fields)
    }
  }
  return choices
}

/** The workflows with their switch-bound text inputs turned into `select` inputs (declared types win). */
export function withChoices(workflows: WorkflowInfo[], choices: InputChoices): WorkflowInfo[] {
  return workflows.map((workflow) => {
    const fields = choices.get(workflow.workflow_id)
    if (!fields) return workflow
    const input = workflow.input.map((field): InputField => {
      const values = fields.get(field.name)
      if (!values || (field.type !== 'string' && field.type !== 'text')) return field
      return { ...field, type: 'select', subtype: values.join(',') }
    })
    return { ...workflow, input }
  })
}
