// Preloaded before every test file (bunfig.toml).
import { setDefaultTimeout } from 'bun:test'

// Tests start real servers, models and child processes; 5 s is too tight on a busy 2-core machine.
setDefaultTimeout(30_000)
