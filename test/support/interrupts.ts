// What the human-in-the-loop tests share: the shell component their jobs stop
// around (model-compose 0.4.92's examples/job-flow/interrupt runs its command
// the same way), and the wait for a task whose run goes on in the background
// once resumed.

/** A component list entry: `shell` runs `input.command` under sh; its output is the stdout. */
export const SHELL_COMPONENT = `
  - id: shell
    type: shell
    action:
      command: [ sh, -c, "\${input.command}" ]
      output: \${result.stdout}
`

/** GET /tasks/{id} once the task is no longer pending or processing; fails past 10 s. */
export async function settledTask(api: string, id: string): Promise<Record<string, any>> {
  let task: Record<string, any> = {}
  for (let i = 0; i < 400; i++) {
    task = (await (await fetch(`${api}/tasks/${id}`)).json()) as Record<string, any>
    if (task.status !== 'pending' && task.status !== 'processing') return task
    await Bun.sleep(25)
  }
  throw new Error(`task ${id} is still ${task.status}`)
}
