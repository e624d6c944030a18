// A `runtime: process` model's child process: the in-process model served to
// mc over its socket (process/worker.ts). Bun runs this file when mc runs from
// the sources; a built mc runs `mc __model-worker`, which imports it (cli/main.ts).
import { inProcessModel } from './in-process.ts'
import { serveModelWorker } from './process/worker.ts'

serveModelWorker(inProcessModel)
