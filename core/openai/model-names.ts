// Which workflows the OpenAI front offers as models, and under which names:
// every public workflow by its id, or by the name `controller.openai.models`
// gives it (a renamed workflow is offered under its new name only). A private
// workflow is never a model.

import type { ControllerModel, WorkflowModel } from '../model/compose-model.ts'
import { DEFAULT_ID } from '../model/ids.ts'
import { unknownModel } from './openai-error.ts'

export class ModelNames {
  /** model name → workflow, in the file's order. */
  private readonly byName = new Map<string, WorkflowModel>()

  constructor(workflows: Iterable<WorkflowModel>, controller: ControllerModel) {
    const renames = controller.openai ? controller.openai.models : {}
    const renamed = new Map<string, string[]>()
    for (const [name, given] of Object.entries(renames)) {
      // model-compose calls a lone `workflow:` `__workflow__`; mc, DEFAULT_ID.
      const id = given === '__workflow__' ? DEFAULT_ID : given
      renamed.set(id, [...(renamed.get(id) ?? []), name])
    }
    for (const workflow of workflows) {
      if (workflow.isPrivate) continue
      for (const name of renamed.get(workflow.id) ?? [workflow.id]) this.byName.set(name, workflow)
    }
  }

  get names(): string[] {
    return [...this.byName.keys()]
  }

  /** The workflow a request's `model` names: 404 `model_not_found` otherwise. */
  workflowOf(name: string): WorkflowModel {
    const workflow = this.byName.get(name)
    if (!workflow) throw unknownModel(name, this.names)
    return workflow
  }
}

/** `GET /v1/models`, as OpenAI lists them. */
export function modelList(names: ModelNames, created: number) {
  return { object: 'list', data: names.names.map((id) => modelView(id, created)) }
}

export function modelView(id: string, created: number) {
  return { id, object: 'model', created, owned_by: 'mc' }
}
