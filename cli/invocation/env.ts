// The environment a compose file sees: the process, then `--env-file` files
// (later wins), then `-e K=V` (highest).

import { readFileSync } from 'node:fs'

function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {}
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line)
    if (!match) throw new Error(`${file}:${i + 1}:1: expected KEY=VALUE`)
    let value = match[2]!
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1)
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1')
    } else value = value.replace(/\s+#.*$/, '')
    out[match[1]!] = value
  })
  return out
}

export function resolveEnv(envFiles: string[], assignments: string[], base: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base }
  for (const file of envFiles) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      throw new Error(`--env-file: cannot read ${file}`)
    }
    Object.assign(env, parseEnvFile(text, file))
  }
  for (const assignment of assignments) {
    const at = assignment.indexOf('=')
    if (at <= 0) throw new Error(`-e ${assignment}: expected KEY=VALUE`)
    env[assignment.slice(0, at)] = assignment.slice(at + 1)
  }
  return env
}
