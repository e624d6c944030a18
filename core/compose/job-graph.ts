// The jobs of a workflow as a graph: explicit `depends_on` plus the jobs a
// job's templates read (`${jobs.X.output}`). Unknown ids and cycles are
// load-time errors; the result is in dependency order, file order for ties.

import { ComposeError, formatKeyPath } from '../errors.ts'
import type { JobModel } from './model.ts'
import { placeAtPath, placeOf } from './places.ts'

type Doc = Record<string, unknown>

export function orderJobs(jobs: JobModel[], rawJobs: Doc[], root: Doc, path: (string | number)[]): JobModel[] {
  const byId = new Map(jobs.map((job) => [job.id, job]))
  jobs.forEach((job, i) => {
    job.dependsOn.forEach((dep, k) => {
      if (!byId.has(dep)) {
        throw new ComposeError(`unknown job "${dep}" (jobs: ${[...byId.keys()].join(', ')})`, placeAtPath(root, [...path, i, 'depends_on', k]), formatKeyPath([...path, i, 'depends_on', k]))
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
      if (!job.dependsOn.includes(dep)) job.dependsOn.push(dep)
    }
  })
  const ordered: JobModel[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (job: JobModel, trail: string[]) => {
    if (state.get(job.id) === 'done') return
    if (state.get(job.id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(job.id)), job.id].join(' → ')
      const i = jobs.indexOf(job)
      throw new ComposeError(`dependency cycle: ${cycle}`, placeOf(rawJobs[i], 'depends_on', 'key') ?? placeAtPath(root, [...path, i]), formatKeyPath([...path, i, 'depends_on']))
    }
    state.set(job.id, 'visiting')
    for (const dep of job.dependsOn) visit(byId.get(dep)!, [...trail, job.id])
    state.set(job.id, 'done')
    ordered.push(job)
  }
  for (const job of jobs) visit(job, [])
  return ordered
}
