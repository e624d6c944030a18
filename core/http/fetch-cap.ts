// Bun's fetch holds back concurrent requests past a small default cap, which
// throttles many concurrent upstream streams (test/README.md, "Benchmarks"). Bun reads
// BUN_CONFIG_MAX_HTTP_REQUESTS only when the process starts: the npm bin sets
// it before Bun starts (cli/mc); the executable, started directly, sets it by
// replacing itself with itself once, before it serves.

import { isCompiledBinary } from '../process/compiled.ts'
import { replaceProcess } from '../process/libc.ts'

const VARIABLE = 'BUN_CONFIG_MAX_HTTP_REQUESTS'
const CAP = '8192'

/** In the executable, makes sure this process runs with the raised cap: may restart it (same pid, same arguments). */
export function ensureFetchCap(): void {
  if (process.env[VARIABLE] || !isCompiledBinary()) return
  const env = { ...(process.env as Record<string, string>), [VARIABLE]: CAP }
  replaceProcess(process.execPath, [process.execPath, ...process.argv.slice(2)], env)
}
