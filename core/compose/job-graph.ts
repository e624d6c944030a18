// The jobs of a workflow as a graph: explicit `depends_on` plus the jobs a
// job's templates read (`${jobs.X.output}`). Unknown ids and cycles are
// load-time errors; the result is in dependency order, file order for ties.

import { ComposeError, formatKeyPath } from '../errors.ts'
import type { JobModel } from './model.ts'
import { nameList } from './name-list.ts'
import { placeAtPath, placeOf } from './places.ts'

type Doc = Record<string, unknown>

export function orderJobs(jobs: JobModel[], rawJobs: Doc[], root: Doc, path: (string | number)[]): JobModel[] {
  const byId = new Map(jobs.map((job) => [job.id, job]))
  jobs.forEach((job, i) => {
    const deps = new Set(job.dependsOn)
    job.dependsOn.forEach((dep, k) => {
      if (!byId.has(dep)) {
        throw new ComposeError(`unknown job "${dep}" (jobs: ${nameList(byId.keys())})`, placeAtPath(root, [...path, i, 'depends_on', k]), formatKeyPath([...path, i, 'depends_on', k]))
      }
    })
    const templates = [job.input, job.output, ...(job.condition ? [job.condition] : [])]
    for (const ref of templates.flatMap((t) => t.refs)) {
      if (ref.key !== 'jobs') continue
      const dep = ref.path[0]
      if (typeof dep !== 'string' || !byId.has(dep)) {
        throw new ComposeError(`reads \${jobs.${String(dep)}...} but there is no job "${String(dep)}"`, placeAtPath(root, [...path, i]), formatKeyPath([...path, i]))
      }
      if (dep === job.id) throw new ComposeError('a job cannot read its own output', placeAtPath(root, [...path, i]), formatKeyPath([...path, i]))
      if (!deps.has(dep)) {
        deps.add(dep)
        job.dependsOn.push(dep)
      }
    }
  })
  const ordered: JobModel[] = []
  const done = new Set<string>()
  // Depth-first, with a stack of its own: a chain of thousands of jobs is no stack overflow.
  const onPath = new Map<string, number>()
  for (const start of jobs) {
    if (done.has(start.id)) continue
    const trail: { job: JobModel; next: number }[] = [{ job: start, next: 0 }]
    onPath.set(start.id, 0)
    while (trail.length > 0) {
      const top = trail[trail.length - 1]!
      const depId = top.job.dependsOn[top.next++]
      if (depId === undefined) {
        trail.pop()
        onPath.delete(top.job.id)
        done.add(top.job.id)
        ordered.push(top.job)
        continue
      }
      if (done.has(depId)) continue
      const at = onPath.get(depId)
      if (at !== undefined) {
        const cycle = [...trail.slice(at).map((step) => step.job.id), depId].join(' → ')
        const i = jobs.indexOf(byId.get(depId)!)
        throw new ComposeError(`dependency cycle: ${cycle}`, placeOf(rawJobs[i], 'depends_on', 'key') ?? placeAtPath(root, [...path, i]), formatKeyPath([...path, i, 'depends_on']))
      }
      onPath.set(depId, trail.length)
      trail.push({ job: byId.get(depId)!, next: 0 })
    }
  }
  return ordered
}
