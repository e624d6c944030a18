// The supervisor's entry when Bun runs the sources (a built mc runs
// `mc __supervise` instead). Its own file, imported by nothing, so that no
// bundle ever starts a supervisor by loading it.
import { supervise } from './supervisor.ts'

await supervise(process.argv.slice(2))
