// The jobs of a workflow as a graph: explicit `depends_on` (a nested list is
// an OR group) plus the jobs a job's templates read (`${jobs.X.output}`),
// each as a group of one unless an OR group already names it. Unknown ids,
// empty groups and cycles are load-time errors (routing loops are no cycle:
// routes are not dependencies); the result is in dependency order, file
// order for ties.

import { ComposeError } from '../../model/compose-error.ts'
import type { JobModel } from '../../model/compose-model.ts'
import type { Template } from '../../binding/template.ts'
import { nameList } from './name-list.ts'
import { placeAtPath, placeOf, sourceKeyPath } from '../../model/places.ts'
import type { Doc } from '../../model/doc.ts'


export function orderJobs(jobs: JobModel[], rawJobs: Doc[], root: Doc, path: (string | number)[]): JobModel[] {
  const byId = new Map(jobs.map((job) => [job.id, job]))
  const fail = (message: string, at: (string | number)[]) => {
    throw new ComposeError(message, placeAtPath(root, [...path, ...at]), sourceKeyPath(root, [...path, ...at]))
  }
  jobs.forEach((job, i) => {
    job.dependsOn.forEach((group, k) => {
      const single = !Array.isArray((rawJobs[i]?.depends_on as unknown[] | undefined)?.[k])
      if (group.length === 0) fail('an OR group needs at least one job id', [i, 'depends_on', k])
      group.forEach((dep, m) => {
        if (!byId.has(dep)) fail(`unknown job "${dep}" (jobs: ${nameList(byId.keys())})`, single ? [i, 'depends_on', k] : [i, 'depends_on', k, m])
      })
    })
    const named = new Set(job.dependsOn.flat())
    const templates = [...job.body.templates, ...(job.condition ? [job.condition] : []), ...(job.onError?.output ? [job.onError.output] : []), ...interruptTemplates(job)]
    for (const ref of templates.flatMap((t) => t.refs)) {
      if (ref.key !== 'jobs') continue
      const dep = ref.path[0]
      if (typeof dep !== 'string' || !byId.has(dep)) fail(`reads \${jobs.${String(dep)}...} but there is no job "${String(dep)}"`, [i])
      if (dep === job.id) fail('a job cannot read its own output', [i])
      if (!named.has(dep as string)) {
        named.add(dep as string)
        job.dependsOn.push([dep as string])
      }
    }
  })
  const ordered: JobModel[] = []
  const done = new Set<string>()
  // Depth-first, with a stack of its own: a chain of thousands of jobs is no stack overflow.
  const onPath = new Map<string, number>()
  const depsOf = new Map(jobs.map((job) => [job.id, [...new Set(job.dependsOn.flat())]]))
  for (const start of jobs) {
    if (done.has(start.id)) continue
    const trail: { job: JobModel; next: number }[] = [{ job: start, next: 0 }]
    onPath.set(start.id, 0)
    while (trail.length > 0) {
      const top = trail[trail.length - 1]!
      const depId = depsOf.get(top.job.id)![top.next++]
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
        throw new ComposeError(`dependency cycle: ${cycle}`, placeOf(rawJobs[i], 'depends_on', 'key') ?? placeAtPath(root, [...path, i]), sourceKeyPath(root, [...path, i, 'depends_on']))
      }
      onPath.set(depId, trail.length)
      trail.push({ job: byId.get(depId)!, next: 0 })
    }
  }
  return ordered
}

/** The templates of a job's interrupt points: their `${jobs.X}` wait for X too. */
function interruptTemplates(job: JobModel): Template[] {
  return Object.values(job.interrupt ?? {}).flatMap((spec) => [
    ...(spec.condition ? [spec.condition.input, spec.condition.value] : []),
    ...(spec.message ? [spec.message] : []),
    ...(spec.metadata ? [spec.metadata] : []),
  ])
}
