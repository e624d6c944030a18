// The job types mc runs, by the names `type:` gives them, and the keys of
// model-compose jobs that mc cannot honour (a load error naming why).

import { componentJob } from './component.ts'
import { delayJob } from './delay.ts'
import { filterJob } from './filter.ts'
import { forEachJob } from './for-each.ts'
import { ifJob } from './if.ts'
import type { JobType } from '../../model/job-contract.ts'
import { randomRouterJob } from './random-router.ts'
import { switchJob } from './switch.ts'

const JOB_TYPES: readonly JobType[] = [componentJob, ifJob, switchJob, randomRouterJob, delayJob, filterJob, forEachJob]

const BY_NAME = new Map(JOB_TYPES.flatMap((type) => type.names.map((name) => [name, type] as const)))

export const JOB_TYPE_NAMES: readonly string[] = [...BY_NAME.keys()]

/** The job type of that name; no name is a component job. */
export function jobType(name: unknown): JobType | undefined {
  return name === undefined ? componentJob : typeof name === 'string' ? BY_NAME.get(name) : undefined
}

/** model-compose job keys mc refuses, each with what mc would need to honour it. */
export const UNSUPPORTED_JOB_KEYS: Readonly<Record<string, string>> = {
  hook: 'it runs inline Python before or after the job, and mc runs no Python',
}
