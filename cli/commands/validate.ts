import type { CliArgs } from '../invocation/args.ts'
import { loadProject } from '../invocation/project.ts'

/** `mc validate`: load and check the file(s); "ok" or the error. */
export async function validateCommand(args: CliArgs): Promise<number> {
  const { model } = await loadProject(args)
  const workflows = [...model.workflows.keys()].join(', ') || 'none'
  process.stdout.write(`ok (${model.components.size} components; workflows: ${workflows})\n`)
  return 0
}
